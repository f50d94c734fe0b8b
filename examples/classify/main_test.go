package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testBounce = "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\r\n" +
	"To: sender@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n" +
	"--b\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n" +
	"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n" +
	"Final-Recipient: rfc822; nobody@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
	"Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown\r\n" +
	"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <abc@example.com>\r\nTo: nobody@example.org\r\nSubject: Hello\r\n" +
	"--b--\r\n"

const testReply = "From: Ann <ann@example.org>\r\nTo: sender@example.com\r\nSubject: Re: Hello\r\n" +
	"In-Reply-To: <abc@example.com>\r\n\r\nNot me, sorry: please write to bea@example.org.\r\n\r\nBest,\r\nAnn\r\n\r\n" +
	"On Mon, Jan 8, 2024 at 10:02 AM Sender <sender@example.com> wrote:\r\n> Interested?\r\n"

func TestRun_filesDirsSentAndErrors(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "bounce.eml"), []byte(testBounce), 0o600))
	must(os.MkdirAll(filepath.Join(dir, "sub"), 0o700))
	must(os.WriteFile(filepath.Join(dir, "sub", "reply.eml"), []byte(testReply), 0o600))
	must(os.WriteFile(filepath.Join(dir, "sub", "empty.eml"), nil, 0o600))
	sent := filepath.Join(t.TempDir(), "sent.jsonl")
	must(os.WriteFile(sent, []byte(`{"message_id":"abc@example.com","thread_id":"t1","account":"sender@example.com","recipients":["nobody@example.org","ann@example.org"],"subject":"Hello"}`+"\n"), 0o600))

	var out, errOut bytes.Buffer
	missing := filepath.Join(dir, "missing.eml")
	if err := run(context.Background(), []string{"--sent", sent, dir, missing}, &out, &errOut); err != nil {
		t.Fatalf("run: %v (stderr %s)", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	got := map[string]map[string]any{}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got[filepath.Base(m["file"].(string))] = m
	}
	if len(got) != 4 {
		t.Fatalf("got %d objects, want 4:\n%s", len(got), out.String())
	}
	b := got["bounce.eml"]
	for k, want := range map[string]any{"kind": "bounce", "action": "failed", "reason": "userunknown", "status": "5.1.1",
		"hard": true, "recipient": "nobody@example.org", "matched_by": "dsn-original", "matched_message_id": "abc@example.com"} {
		if b[k] != want {
			t.Errorf("bounce %s = %v; want %v", k, b[k], want)
		}
	}
	if rs, _ := b["recipients"].([]any); len(rs) != 1 {
		t.Errorf("bounce recipients = %v; want one", b["recipients"])
	}
	r := got["reply.eml"]
	if r["kind"] != "reply" || r["matched_by"] != "in-reply-to" {
		t.Errorf("reply = %v; want kind reply matched by in-reply-to", r)
	}
	for k, want := range map[string]any{"text": "Not me, sorry: please write to bea@example.org.", "intent": "wrong_person",
		"referral": "bea@example.org"} {
		if r[k] != want {
			t.Errorf("reply %s = %v; want %v", k, r[k], want)
		}
	}
	if _, ok := b["intent"]; ok {
		t.Errorf("bounce has an intent: %v", b)
	}
	if _, ok := r["action"]; ok {
		t.Errorf("reply has empty field action: %v", r)
	}
	if _, ok := r["hard"]; ok {
		t.Errorf("reply has empty field hard: %v", r)
	}
	if e := got["empty.eml"]; e["error"] == nil || e["kind"] != nil {
		t.Errorf("empty file = %v; want an error object", e)
	}
	if e := got["missing.eml"]; e["error"] == nil {
		t.Errorf("missing file = %v; want an error object", e)
	}
}

func TestRun_withoutSentAndUsage(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "reply.eml")
	if err := os.WriteFile(p, []byte(testReply), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{p}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(out.String()), `{"file":"`+p+`","kind":"reply","text":"Not me, sorry: please write to bea@example.org.","intent":"wrong_person","referral":"bea@example.org"}`; got != want {
		t.Errorf("output = %s; want %s", got, want)
	}
	if err := run(context.Background(), nil, &out, &errOut); err == nil {
		t.Error("run with no files: want an error")
	}
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{not json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"--sent", bad, p}, &out, &errOut); err == nil {
		t.Error("run with a malformed --sent file: want an error")
	}
}
