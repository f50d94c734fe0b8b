package smtpimap

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
)

func TestDiscoverer_srvPair(t *testing.T) {
	tests := []struct {
		name    string
		tls     []*net.SRV // _submissions
		plain   []*net.SRV // _submission
		want    Server
		wantErr string
	}{
		{
			name:  "priority across services wins",
			tls:   []*net.SRV{{Target: "tls.example.com.", Port: 465, Priority: 20}},
			plain: []*net.SRV{{Target: "starttls.example.com.", Port: 587, Priority: 10}},
			want:  Server{"starttls.example.com", 587, STARTTLS},
		},
		{
			name:  "implicit TLS first on a tie",
			tls:   []*net.SRV{{Target: "tls.example.com.", Port: 465, Priority: 10}},
			plain: []*net.SRV{{Target: "starttls.example.com.", Port: 587, Priority: 10, Weight: 100}},
			want:  Server{"tls.example.com", 465, TLS},
		},
		{
			name: "lowest priority, then highest weight",
			plain: []*net.SRV{
				{Target: "c.example.com.", Port: 587, Priority: 5, Weight: 90},
				{Target: "a.example.com.", Port: 587, Priority: 1, Weight: 10},
				{Target: "b.example.com.", Port: 2587, Priority: 1, Weight: 60},
			},
			want: Server{"b.example.com", 2587, STARTTLS},
		},
		{
			name:  "dot target means not offered",
			tls:   []*net.SRV{{Target: ".", Port: 0, Priority: 0}},
			plain: []*net.SRV{{Target: "mail.example.com.", Port: 587, Priority: 10}},
			want:  Server{"mail.example.com", 587, STARTTLS},
		},
		{
			name:    "only dot targets",
			tls:     []*net.SRV{{Target: ".", Port: 0}},
			plain:   []*net.SRV{{Target: ".", Port: 0}},
			wantErr: "no usable _submissions or _submission record",
		},
		{
			name:  "port 0 and bad targets skipped",
			tls:   []*net.SRV{{Target: "zero.example.com.", Port: 0}, {Target: "bad host.", Port: 465}, nil},
			plain: []*net.SRV{{Target: "MAIL.example.com", Port: 587, Priority: 50}},
			want:  Server{"mail.example.com", 587, STARTTLS},
		},
		{
			name:    "none",
			wantErr: "no such host",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := newDiscResolver()
			if tc.tls != nil {
				res.srv["_submissions._tcp.example.com"] = tc.tls
			}
			if tc.plain != nil {
				res.srv["_submission._tcp.example.com"] = tc.plain
			}
			d, err := newDiscoverer(&DiscoverOptions{Resolver: res})
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.srvPair(context.Background(), "submissions", "submission", "example.com", false, "SMTP")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("srvPair = %+v, %v; want error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("srvPair: %v", err)
			}
			if got != tc.want {
				t.Errorf("srvPair = %+v; want %+v", got, tc.want)
			}
		})
	}
}

// discPartialResolver returns valid records together with an error, as
// net.Resolver does when some records of a reply are malformed.
type discPartialResolver struct{ discResolver }

func (r *discPartialResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if service == "submission" {
		return "", []*net.SRV{{Target: "ok.example.com.", Port: 587}}, errors.New("cannot unmarshal DNS message")
	}
	return "", nil, &net.DNSError{Err: "no such host", IsNotFound: true}
}

func TestDiscoverer_srvPartialAnswer(t *testing.T) {
	d, err := newDiscoverer(&DiscoverOptions{Resolver: &discPartialResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.srv(context.Background(), discAddr())
	if err != nil {
		t.Fatalf("srv: %v", err)
	}
	want := Server{"ok.example.com", 587, STARTTLS}
	if got.SMTP != want || got.IMAP != nil || got.Username != "Jo.Doe@Example.com" {
		t.Errorf("srv = %+v; want SMTP %+v, no IMAP, the full address", got, want)
	}
}
