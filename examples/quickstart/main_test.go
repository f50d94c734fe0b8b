package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestRun runs the quickstart and checks that the story it tells is the
// one that happened.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"wrong password → status error, ErrAuth=true",
		"→ status active",
		"Secret:[REDACTED]",
		"(0 new connections); 5 copies in Ada's Sent folder",
		"duplicate=true",
		"3 related of 4 messages in Ada's INBOX became events",
		"kicked again: 0 new events",
		"bob@client.test   sent    reply, interested: \"Hi Ada, yes — Tuesday at 10?\"",
		"(interested 100% of them)",
		"bounce (5.1.1, userunknown, hard=true)",
		"stop: replied: interested — step 2 vetoed at send time",
		"stop: bounced: userunknown — step 2 vetoed at send time",
		"wait until",
		"step 2 pending",
		"paced: the two follow-ups went",
		"step 2 sent in the same thread (true)",
		"stop (unsubscribed)",
		"opens 1, clicks 1",
		"in Max's Sent folder: true",
		"refused: true, SMTP connections opened: 0",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("quickstart output lacks %q\n%s", want, got)
		}
	}
	if strings.Contains(got, senderPass) {
		t.Error("quickstart printed the sender's password")
	}
}
