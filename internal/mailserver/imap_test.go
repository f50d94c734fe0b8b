package mailserver

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

func TestIMAP_Login(t *testing.T) {
	for _, sec := range []Security{SecuritySTARTTLS, SecurityTLS, SecurityNone} {
		t.Run(sec.String(), func(t *testing.T) {
			s := newTestServer(t, &Options{IMAPSecurity: sec})
			s.SetOAuthToken(alice, "tok-1")
			tests := []struct {
				name  string
				login func(c *imapclient.Client) error
				ok    bool
			}{
				{"login good", func(c *imapclient.Client) error { return c.Login(alice, alicePass).Wait() }, true},
				{"login bad", func(c *imapclient.Client) error { return c.Login(alice, "nope").Wait() }, false},
				{"login case-insensitive user", func(c *imapclient.Client) error { return c.Login(strings.ToUpper(alice), alicePass).Wait() }, true},
				{"plain good", func(c *imapclient.Client) error { return c.Authenticate(sasl.NewPlainClient("", bob, bobPass)) }, true},
				{"plain bad", func(c *imapclient.Client) error { return c.Authenticate(sasl.NewPlainClient("", bob, alicePass)) }, false},
				{"xoauth2 good", func(c *imapclient.Client) error { return c.Authenticate(xoauth2Client{alice, "tok-1"}) }, true},
				{"xoauth2 bad", func(c *imapclient.Client) error { return c.Authenticate(xoauth2Client{alice, "tok-2"}) }, false},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					c := dialIMAP(t, s, nil)
					err := tc.login(c)
					if tc.ok != (err == nil) {
						t.Fatalf("login = %v; want ok=%v", err, tc.ok)
					}
					var ie *imap.Error
					if !tc.ok && (!errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo) {
						t.Errorf("login = %v; want a NO response", err)
					}
					if tc.ok {
						if _, err := c.Select("INBOX", nil).Wait(); err != nil {
							t.Errorf("Select(INBOX) = %v", err)
						}
					}
				})
			}
		})
	}
}

func TestIMAP_LoginRefusedBeforeSTARTTLS(t *testing.T) {
	s := newTestServer(t, nil)
	c, err := imapclient.DialInsecure(imapAddr(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	caps, err := c.Capability().Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !caps.Has(imap.CapStartTLS) || !caps.Has(imap.CapLoginDisabled) {
		t.Errorf("plaintext capabilities = %v; want STARTTLS and LOGINDISABLED", caps)
	}
	if err := c.Login(alice, alicePass).Wait(); err == nil {
		t.Fatal("Login() over plaintext = nil; want refused")
	}
	if got := s.AuthAttempts(); got != 1 {
		t.Errorf("AuthAttempts() = %d; want 1 (the attempt reached the server)", got)
	}
}

func TestIMAP_SecurityNoneOffersNoSTARTTLS(t *testing.T) {
	s := newTestServer(t, &Options{IMAPSecurity: SecurityNone})
	c := dialIMAP(t, s, nil)
	caps, err := c.Capability().Wait()
	if err != nil {
		t.Fatal(err)
	}
	if caps.Has(imap.CapStartTLS) || caps.Has(imap.CapLoginDisabled) {
		t.Errorf("capabilities = %v; want neither STARTTLS nor LOGINDISABLED", caps)
	}
	if got := s.AuthAttempts(); got != 0 {
		t.Errorf("AuthAttempts() = %d; want 0", got)
	}
}

func login(t testing.TB, s *Server, email, pass string) *imapclient.Client {
	t.Helper()
	c := dialIMAP(t, s, nil)
	if err := c.Login(email, pass).Wait(); err != nil {
		t.Fatalf("Login(%s) = %v", email, err)
	}
	return c
}

func TestIMAP_ListSpecialUse(t *testing.T) {
	s := newTestServer(t, nil)
	c := login(t, s, alice, alicePass)
	if err := c.Create("Archive", &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrArchive}}).Wait(); err != nil {
		t.Fatalf("Create(Archive) = %v", err)
	}
	if err := c.Create("Projects", nil).Wait(); err != nil {
		t.Fatalf("Create(Projects) = %v", err)
	}
	list := func(opts *imap.ListOptions) map[string]string {
		t.Helper()
		data, err := c.List("", "*", opts).Collect()
		if err != nil {
			t.Fatalf("List() = %v", err)
		}
		got := make(map[string]string)
		for _, d := range data {
			var attrs []string
			for _, a := range d.Attrs {
				attrs = append(attrs, string(a))
			}
			got[d.Mailbox] = strings.Join(attrs, " ")
		}
		return got
	}
	tests := []struct {
		name string
		opts *imap.ListOptions
		want map[string]string
	}{
		{"plain LIST", nil, map[string]string{
			"INBOX": "", "Sent": `\Sent`, "Junk": `\Junk`, "Archive": `\Archive`, "Projects": "",
		}},
		{"LIST (SPECIAL-USE)", &imap.ListOptions{SelectSpecialUse: true}, map[string]string{
			"Sent": `\Sent`, "Junk": `\Junk`, "Archive": `\Archive`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := list(tc.opts)
			if len(got) != len(tc.want) {
				t.Errorf("List() = %v; want %v", got, tc.want)
			}
			for name, attrs := range tc.want {
				if g, ok := got[name]; !ok || g != attrs {
					t.Errorf("List()[%q] = %q (present %v); want %q", name, g, ok, attrs)
				}
			}
		})
	}

	if err := c.Rename("Archive", "Old", nil).Wait(); err != nil {
		t.Fatalf("Rename() = %v", err)
	}
	if err := c.Delete("Projects").Wait(); err != nil {
		t.Fatalf("Delete() = %v", err)
	}
	got := list(nil)
	if got["Old"] != `\Archive` || len(got) != 4 {
		t.Errorf("List() after rename and delete = %v; want Old with \\Archive and 4 mailboxes", got)
	}
}

func TestIMAP_AppendAndFailAppend(t *testing.T) {
	s := newTestServer(t, nil)
	c := login(t, s, alice, alicePass)
	msg := testMessage(alice, bob, "sent copy")
	appendMsg := func() (*imap.AppendData, error) {
		cmd := c.Append("Sent", int64(len(msg)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}})
		if _, err := cmd.Write([]byte(msg)); err != nil {
			return nil, err
		}
		if err := cmd.Close(); err != nil {
			return nil, err
		}
		return cmd.Wait()
	}
	first, err := appendMsg()
	if err != nil {
		t.Fatalf("Append() = %v", err)
	}
	if first.UID != 1 || first.UIDValidity == 0 {
		t.Errorf("Append() = UID %d UIDVALIDITY %d; want UID 1 and a UIDVALIDITY", first.UID, first.UIDValidity)
	}

	s.FailAppend(1)
	_, err = appendMsg()
	var ie *imap.Error
	if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo {
		t.Fatalf("Append() with FailAppend(1) = %v; want NO", err)
	}

	third, err := appendMsg()
	if err != nil {
		t.Fatalf("Append() after the fault = %v", err)
	}
	if third.UID != 2 || third.UIDValidity != first.UIDValidity {
		t.Errorf("Append() = UID %d UIDVALIDITY %d; want UID 2 UIDVALIDITY %d", third.UID, third.UIDValidity, first.UIDValidity)
	}
	sent, err := s.Mailbox(alice, "Sent")
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 || string(sent[0]) != msg {
		t.Errorf("Mailbox(Sent) = %d messages; want 2 equal to the appended message", len(sent))
	}
	cmd := c.Append("Nope", int64(len(msg)), nil)
	cmd.Write([]byte(msg))
	cmd.Close()
	if _, err := cmd.Wait(); !errors.As(err, &ie) || ie.Code != imap.ResponseCodeTryCreate {
		t.Errorf("Append(Nope) = %v; want NO [TRYCREATE]", err)
	}
}

func TestIMAP_SearchFetchUIDs(t *testing.T) {
	s := newTestServer(t, nil)
	for _, subj := range []string{"one", "two", "three"} {
		if err := s.Deliver(alice, []byte(testMessage(bob, alice, subj))); err != nil {
			t.Fatalf("Deliver() = %v", err)
		}
	}
	c := login(t, s, alice, alicePass)
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel.NumMessages != 3 || sel.UIDNext != 4 || sel.UIDValidity == 0 {
		t.Errorf("Select() = %d messages, UIDNEXT %d, UIDVALIDITY %d; want 3, 4, nonzero", sel.NumMessages, sel.UIDNext, sel.UIDValidity)
	}
	res, err := c.UIDSearch(&imap.SearchCriteria{
		Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "<two@example.test>"}},
	}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if got := res.AllUIDs(); len(got) != 1 || got[0] != 2 {
		t.Errorf("UID SEARCH HEADER Message-ID = %v; want [2]", got)
	}
	var since imap.UIDSet
	since.AddRange(2, 0)
	msgs, err := c.Fetch(since, &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Subject"}, Peek: true}},
	}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].UID != 2 || msgs[1].UID != 3 {
		t.Fatalf("UID FETCH 2:* = %d messages; want UIDs 2 and 3", len(msgs))
	}
	if got := string(msgs[1].BodySection[0].Bytes); got != "Subject: three\r\n\r\n" {
		t.Errorf("header fields of UID 3 = %q; want %q", got, "Subject: three\r\n\r\n")
	}
}

func TestIMAP_IdleSeesDelivery(t *testing.T) {
	s := newTestServer(t, nil)
	exists := make(chan uint32, 4)
	c := dialIMAP(t, s, &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists <- *d.NumMessages
			}
		},
	}})
	if err := c.Login(alice, alicePass).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	// The client's Idle returns once the command is written, which may be
	// before the server idles; a delivery in that gap is reported at the
	// next one. So deliver until EXISTS comes, within a bounded time.
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	delivered := 0
	deliver := func() {
		if err := s.Deliver(alice, []byte(testMessage(bob, alice, "reply"))); err != nil {
			t.Fatal(err)
		}
		delivered++
	}
	deliver()
wait:
	for {
		select {
		case n := <-exists:
			if n < 1 || int(n) > delivered {
				t.Errorf("EXISTS = %d after %d deliveries; want 1..%d", n, delivered, delivered)
			}
			break wait
		case <-tick.C:
			deliver()
		case <-deadline:
			t.Fatalf("no EXISTS during IDLE after %d deliveries", delivered)
		}
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatalf("IDLE = %v", err)
	}
}

func TestServer_BadInput(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		name string
		err  error
	}{
		{"AddUser duplicate", s.AddUser(strings.ToUpper(alice), "x")},
		{"AddUser no @", s.AddUser("alice", "x")},
		{"AddUser CRLF", s.AddUser("a@b\r\nRCPT TO:<x@y>", "x")},
		{"Deliver unknown", s.Deliver("nobody@example.test", []byte("Subject: x\r\n\r\n"))},
	}
	for _, tc := range tests {
		if tc.err == nil {
			t.Errorf("%s = nil; want an error", tc.name)
		} else if !strings.HasPrefix(tc.err.Error(), "mailserver: ") {
			t.Errorf("%s = %q; want the mailserver: prefix", tc.name, tc.err)
		}
	}
	if _, err := s.Mailbox("nobody@example.test", "INBOX"); err == nil {
		t.Error("Mailbox(unknown user) = nil error; want an error")
	}
	if _, err := s.Mailbox(alice, "Nope"); err == nil {
		t.Error("Mailbox(alice, Nope) = nil error; want an error")
	}
	if _, err := Start(&Options{SMTPSecurity: Security(9)}); err == nil {
		t.Error("Start(SMTPSecurity 9) = nil error; want an error")
	}
	s2, err := Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := s2.Close(); err == nil {
		t.Error("second Close() = nil; want an error")
	}
}
