package crypto_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/crypto"
)

const hunter = "hunter2-do-not-print"

func TestSecret_Reveal_Empty(t *testing.T) {
	s := crypto.Secret(hunter)
	if got := s.Reveal(); got != hunter {
		t.Errorf("Reveal() = %q; want %q", got, hunter)
	}
	if s.Empty() {
		t.Error("Empty() = true for a set secret")
	}
	if !crypto.Secret("").Empty() {
		t.Error(`Empty() = false for Secret("")`)
	}
}

func TestSecret_fmt(t *testing.T) {
	s := crypto.Secret(hunter)
	type config struct {
		User     string
		Password crypto.Secret
		Ptr      *crypto.Secret
	}
	cfg := config{User: "alice", Password: s, Ptr: &s}
	tests := []struct {
		name, got, want string
	}{
		{"String", s.String(), "[REDACTED]"},
		{"GoString", s.GoString(), "[REDACTED]"},
		{"%v", fmt.Sprintf("%v", s), "[REDACTED]"},
		{"%+v", fmt.Sprintf("%+v", s), "[REDACTED]"},
		{"%#v", fmt.Sprintf("%#v", s), "[REDACTED]"},
		{"%s", fmt.Sprintf("%s", s), "[REDACTED]"},
		{"%q", fmt.Sprintf("%q", s), "[REDACTED]"},
		{"%x", fmt.Sprintf("%x", s), "[REDACTED]"},
		{"%10.3s", fmt.Sprintf("%10.3s", s), "[REDACTED]"},
		{"pointer %v", fmt.Sprintf("%v", &s), "[REDACTED]"},
		{"Sprint", fmt.Sprint(s), "[REDACTED]"},
		{"Println", fmt.Sprintln(s), "[REDACTED]\n"},
		{"slice", fmt.Sprintf("%v", []crypto.Secret{s, s}), "[[REDACTED] [REDACTED]]"},
		{"map", fmt.Sprintf("%v", map[string]crypto.Secret{"k": s}), "map[k:[REDACTED]]"},
		{"struct %v", fmt.Sprintf("%v", cfg), "{alice [REDACTED] [REDACTED]}"},
		{"struct %+v", fmt.Sprintf("%+v", cfg), "{User:alice Password:[REDACTED] Ptr:[REDACTED]}"},
		{"struct pointer %+v", fmt.Sprintf("%+v", &cfg), "&{User:alice Password:[REDACTED] Ptr:[REDACTED]}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q; want %q", tc.got, tc.want)
			}
		})
	}
	// %#v of a struct prints the Go syntax with GoString for the field.
	if got := fmt.Sprintf("%#v", cfg); strings.Contains(got, hunter) || !strings.Contains(got, "Password:[REDACTED]") {
		t.Errorf("%%#v of struct = %q; want Password:[REDACTED] and no secret", got)
	}
}

// TestSecret_Printf checks the literal fmt.Printf("%+v", structContainingSecret).
func TestSecret_Printf(t *testing.T) {
	type account struct {
		Email    string
		Password crypto.Secret
	}
	out := captureStdout(t, func() { fmt.Printf("%+v", account{Email: "a@b.c", Password: hunter}) })
	if want := "{Email:a@b.c Password:[REDACTED]}"; out != want {
		t.Errorf("Printf(%%+v) wrote %q; want %q", out, want)
	}
}

func TestSecret_marshal(t *testing.T) {
	s := crypto.Secret(hunter)
	type config struct {
		User     string        `json:"user" xml:"user"`
		Password crypto.Secret `json:"password" xml:"password"`
	}
	j, err := json.Marshal(config{User: "alice", Password: s})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"user":"alice","password":"[REDACTED]"}`; string(j) != want {
		t.Errorf("json.Marshal = %s; want %s", j, want)
	}
	j, _ = json.Marshal(map[string]crypto.Secret{"k": s})
	if want := `{"k":"[REDACTED]"}`; string(j) != want {
		t.Errorf("json.Marshal(map value) = %s; want %s", j, want)
	}
	txt, err := s.MarshalText()
	if err != nil || string(txt) != "[REDACTED]" {
		t.Errorf("MarshalText() = %q, %v; want [REDACTED]", txt, err)
	}
	mj, err := s.MarshalJSON()
	if err != nil || string(mj) != `"[REDACTED]"` {
		t.Errorf("MarshalJSON() = %s, %v", mj, err)
	}
	x, err := xml.Marshal(config{User: "alice", Password: s})
	if err != nil {
		t.Fatal(err)
	}
	if want := "<config><user>alice</user><password>[REDACTED]</password></config>"; string(x) != want {
		t.Errorf("xml.Marshal = %s; want %s", x, want)
	}
}

func TestSecret_slog(t *testing.T) {
	s := crypto.Secret(hunter)
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("login", "password", s, slog.Any("ptr", &s),
		slog.Group("smtp", slog.Any("password", s)),
		"config", struct{ Password crypto.Secret }{s})
	var text bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("login", "password", s)

	for _, out := range []string{buf.String(), text.String()} {
		if strings.Contains(out, hunter) {
			t.Errorf("log output leaks the secret: %s", out)
		}
	}
	var entry map[string]any
	if err := json.Unmarshal(buf.Bytes(), &entry); err != nil {
		t.Fatal(err)
	}
	if got := entry["password"]; got != "[REDACTED]" {
		t.Errorf("password = %v; want [REDACTED]", got)
	}
	if got := entry["ptr"]; got != "[REDACTED]" {
		t.Errorf("ptr = %v; want [REDACTED]", got)
	}
	if got := entry["smtp"].(map[string]any)["password"]; got != "[REDACTED]" {
		t.Errorf("smtp.password = %v; want [REDACTED]", got)
	}
	if got := entry["config"].(map[string]any)["Password"]; got != "[REDACTED]" {
		t.Errorf("config.Password = %v; want [REDACTED]", got)
	}
	if !strings.Contains(text.String(), "password=[REDACTED]") {
		t.Errorf("text handler = %q; want password=[REDACTED]", text.String())
	}
}
