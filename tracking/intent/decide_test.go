package intent

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecide(t *testing.T) {
	tests := []struct {
		text     string
		want     Intent
		referral string
	}{
		{"Sure", Interested, ""},
		{"Yes, Tuesday works", Interested, ""},
		{"I'm not uninterested.", Interested, ""},
		{"I wouldn't say no to a chat.", Interested, ""},
		{"No need to follow up, I'm not looking.", NotInterested, ""},
		{"Not now, but send me the job description.", Question, ""},
		{"I'm interested, but not right now.", Later, ""},
		{"Sounds interesting but we already have a vendor.", NotInterested, ""},
		{"Not interested. Please remove me from your list.", Unsubscribe, ""},
		{"Wrong person - try anna@acme.com.", WrongPerson, "anna@acme.com"},
		{"Sure, email me at tom@gmail.com instead.", Interested, ""},
		{"I'm not the right person, sorry.", WrongPerson, ""},
		{"Reach me at me@home.org, happy to talk.", Interested, ""},
		{"", Other, ""},
		{"   \n ", Other, ""},
		{"Thanks.", Other, ""},
		{"料金はいくらですか？", Question, ""},
	}
	for _, tc := range tests {
		got := Decide(Message{Text: tc.text, From: "me@home.org"})
		if got.Intent != tc.want || got.Referral != tc.referral {
			t.Errorf("Decide(%q) = %+v; want %s %q", tc.text, got, tc.want, tc.referral)
		}
	}
}

// TestDecide_ownAddresses: the sender's and our addresses are never a
// referral.
func TestDecide_ownAddresses(t *testing.T) {
	m := Message{Text: "Not my area, contact sarah@recruit.io or bob@acme.com.", From: "BOB@acme.com", Own: []string{"sarah@recruit.io"}}
	if got := Decide(m); got.Intent != WrongPerson || got.Referral != "" {
		t.Errorf("Decide(%q) = %+v; want wrong_person without referral", m.Text, got)
	}
}

func TestFallback(t *testing.T) {
	ctx := context.Background()
	broken := ClassifierFunc(func(context.Context, Message) (Result, error) { return Result{}, errors.New("model down") })
	chatty := ClassifierFunc(func(context.Context, Message) (Result, error) {
		return Result{Intent: "Interested!!", Referral: "x@y.z"}, nil
	})
	good := ClassifierFunc(func(context.Context, Message) (Result, error) {
		return Result{Intent: Later, Referral: "x@y.z"}, nil
	})
	m := Message{Text: "No thanks."}
	for _, tc := range []struct {
		name    string
		primary Classifier
		want    Result
	}{
		{"error falls back", broken, Result{Intent: NotInterested}},
		{"invalid intent falls back", chatty, Result{Intent: NotInterested}},
		{"valid answer kept, referral dropped", good, Result{Intent: Later}},
	} {
		got, err := Fallback(tc.primary, Rules{}).Classify(ctx, m)
		if err != nil || got != tc.want {
			t.Errorf("%s: Fallback = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Fallback(broken, Rules{}).Classify(done, m); !errors.Is(err, context.Canceled) {
		t.Errorf("Fallback with a done ctx: %v; want context.Canceled", err)
	}
	if _, err := Fallback(broken, broken).Classify(ctx, m); err == nil {
		t.Error("Fallback of two failing classifiers: no error")
	}
}

func FuzzDecide(f *testing.F) {
	for _, s := range []string{"Sure", "Not now, but send me the JD.", "はいくら？", "kontakt: a@b.co", "no no no not",
		"\xff\xfe", strings.Repeat("not ", 100) + "interested", "a@b@c.d", "..@..", "- - -", "* * *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Decide(Message{Text: s})
		if !r.Intent.Valid() {
			t.Fatalf("Decide(%q) = %q, not a fixed intent", s, r.Intent)
		}
		if r.Referral != "" && (r.Intent != WrongPerson || !utf8.ValidString(r.Referral) || !strings.Contains(r.Referral, "@")) {
			t.Fatalf("Decide(%q) = %+v: bad referral", s, r)
		}
	})
}

func BenchmarkDecide(b *testing.B) {
	texts := []string{
		"Hi Sarah,\n\nThanks for reaching out. I'd be happy to chat about the role. I'm free Thursday afternoon.",
		"Not now, but send me the job description.",
		"Dafür bin ich nicht zuständig. Bitte wenden Sie sich an einkauf@firma.de.",
		"給与はどのくらいでしょうか？リモート勤務は可能ですか？",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Decide(Message{Text: texts[i%len(texts)]})
	}
}

// TestRules_concurrent: the built-in rules share one read-only lexicon;
// run with -race.
func TestRules_concurrent(t *testing.T) {
	texts := []string{"Sure", "Not now, but send me the job description.", "Bitte entfernen Sie mich aus Ihrem Verteiler.",
		"料金はいくらですか？", "Wrong person - try anna@acme.com."}
	want := make([]Result, len(texts))
	for i, s := range texts {
		want[i] = Decide(Message{Text: s})
	}
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for n := 0; n < 200; n++ {
				i := n % len(texts)
				if got := Decide(Message{Text: texts[i]}); got != want[i] {
					done <- errors.New(texts[i] + ": " + string(got.Intent))
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
