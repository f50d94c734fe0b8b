package engine_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/internal/mailserver"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
	"github.com/inboxkit/inboxkit/tracking"
)

// The IMAP IDLE scale run keeps the mail server in a child process (this
// test binary again, running TestScaleServer), so that what the harness
// measures in its own process is the engine's side alone: the accounts,
// their providers and their TLS connections.

type serverInfo struct {
	SMTPHost, IMAPHost string
	SMTPPort, IMAPPort int
	CAPEM              []byte
}

// TestScaleServer is the child: it serves n mailboxes and delivers a
// reply for each "deliver ACCOUNT SENT-MESSAGE-ID" line on stdin.
func TestScaleServer(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("INBOXKIT_SCALE_SERVER"))
	if n <= 0 {
		t.Skip("the child process of TestScale")
	}
	raiseFileLimit(t)
	srv, err := mailserver.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for i := range n {
		if err := srv.AddUser(fmt.Sprintf("user%02d@inboxkit.test", i), password); err != nil {
			t.Fatal(err)
		}
	}
	info := serverInfo{CAPEM: srv.CACertPEM()}
	info.SMTPHost, info.SMTPPort = srv.SMTPAddr()
	info.IMAPHost, info.IMAPPort = srv.IMAPAddr()
	b, _ := json.Marshal(info)
	fmt.Printf("SERVER %s\n", b)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) != 3 || f[0] != "deliver" {
			continue
		}
		raw := providertest.Reply(prospectOf(f[1]), f[1], subject, f[2])
		if err := srv.Deliver(f[1], raw); err != nil {
			fmt.Printf("ERROR %v\n", err)
			continue
		}
		fmt.Printf("DELIVERED %s\n", providertest.MessageIDOf(raw))
	}
}

// remoteIMAP is n mailboxes on the child's servers.
type remoteIMAP struct {
	info  serverInfo
	tls   *tls.Config
	idx   *tracking.MemoryIndex
	ids   []string
	sent  map[string]string
	mu    sync.Mutex
	stdin io.Writer
	out   *bufio.Scanner
}

func newRemoteIMAP(t *testing.T, n int) *remoteIMAP {
	cmd := exec.Command(os.Args[0], "-test.run=^TestScaleServer$", "-test.timeout=0")
	cmd.Env = append(os.Environ(), "INBOXKIT_SCALE_SERVER="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	w := &remoteIMAP{idx: tracking.NewMemoryIndex(n), sent: map[string]string{}, stdin: stdin, out: bufio.NewScanner(stdout)}
	for w.out.Scan() {
		if v, ok := strings.CutPrefix(w.out.Text(), "SERVER "); ok {
			if err := json.Unmarshal([]byte(v), &w.info); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if w.info.IMAPPort == 0 {
		t.Fatal("the server process did not start")
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(w.info.CAPEM)
	w.tls = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	for i := range n {
		id := fmt.Sprintf("user%02d@inboxkit.test", i)
		mid := providerkit.NewMessageID(id)
		if err := w.idx.Add(provider.SentRecord{Account: id, MessageID: mid, Recipients: []string{prospectOf(id)}, Subject: subject, SentAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		w.ids = append(w.ids, id)
		w.sent[id] = mid
	}
	return w
}

func (w *remoteIMAP) List(ctx context.Context) ([]string, error) { return w.ids, nil }

func (w *remoteIMAP) Open(ctx context.Context, account string) (provider.Provider, error) {
	return smtpimap.New(smtpimap.Config{
		Email:     account,
		Password:  crypto.Secret(password),
		SMTP:      smtpimap.Server{Host: w.info.SMTPHost, Port: w.info.SMTPPort, Security: smtpimap.STARTTLS},
		IMAP:      &smtpimap.Server{Host: w.info.IMAPHost, Port: w.info.IMAPPort, Security: smtpimap.STARTTLS},
		TLSConfig: w.tls,
	})
}

func (w *remoteIMAP) index() provider.SentIndex { return w.idx }
func (w *remoteIMAP) accounts() []string        { return w.ids }
func (w *remoteIMAP) push() bool                { return false }

func (w *remoteIMAP) deliver(t testing.TB, account string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Fprintf(w.stdin, "deliver %s %s\n", account, w.sent[account])
	for w.out.Scan() {
		line := w.out.Text()
		if v, ok := strings.CutPrefix(line, "DELIVERED "); ok {
			return v
		}
		if strings.HasPrefix(line, "ERROR ") {
			t.Fatalf("server: %s", line)
		}
	}
	t.Fatal("the server process ended")
	return ""
}
