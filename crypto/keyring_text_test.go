package crypto

import (
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"
)

func b64key(b byte) string { return base64.RawURLEncoding.EncodeToString(testKey(b)) }

func TestParseKeyring(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		wantPrimary string
		wantIDs     []string
	}{
		{"one", "k1:" + b64key(1), "k1", []string{"k1"}},
		{"two, first is primary", "new:" + b64key(2) + ",old:" + b64key(1), "new", []string{"new", "old"}},
		{"spaces and newlines", "\n  b : " + b64key(2) + " ,\n a:" + b64key(1) + "\n", "b", []string{"a", "b"}},
		{"padded base64url", "k:" + b64key(3) + "==", "k", []string{"k"}},
		{"punctuation in ID", "2025-01_v.2/x:" + b64key(4), "2025-01_v.2/x", []string{"2025-01_v.2/x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKeyring(tc.in)
			if err != nil {
				t.Fatalf("ParseKeyring() error = %v", err)
			}
			if got := k.Primary(); got != tc.wantPrimary {
				t.Errorf("Primary() = %q; want %q", got, tc.wantPrimary)
			}
			if got := strings.Join(k.IDs(), ","); got != strings.Join(tc.wantIDs, ",") {
				t.Errorf("IDs() = %q; want %q", got, tc.wantIDs)
			}
		})
	}

	// A ring parsed from text opens what NewKeyring with the same key sealed.
	direct, _ := NewKeyring("k1", map[string][]byte{"k1": testKey(1)})
	sealed, _ := direct.Seal([]byte("v"), nil)
	parsed, _ := ParseKeyring("k1:" + b64key(1))
	if got, err := parsed.Open(sealed, nil); string(got) != "v" || err != nil {
		t.Errorf("parsed.Open() = %q, %v; want v", got, err)
	}
}

// keyringErrorShape is every message ParseKeyring may produce once the
// entry number and byte count are masked: none can carry input.
var keyringErrorShape = regexp.MustCompile(`^crypto: invalid key ring: (empty|entry N: (want ID:baseNurl-key|invalid key ID \(want N-N printable ASCII bytes, no space, ',' or ':'\)|duplicate key ID|key is not baseNurl|key is N bytes, want N))$`)

func maskDigits(s string) string { return regexp.MustCompile(`[0-9]+`).ReplaceAllString(s, "N") }

func TestParseKeyring_bad(t *testing.T) {
	secretish := b64key(0x5a)
	tests := []struct {
		name string
		in   string
		want []error
	}{
		{"empty", "", []error{ErrKeyring}},
		{"blank", " \n\t", []error{ErrKeyring}},
		{"bare key, no ID", secretish, []error{ErrKeyring}},
		{"empty ID", ":" + secretish, []error{ErrKeyring}},
		{"empty key", "k:", []error{ErrKeyring, ErrKeySize}},
		{"trailing comma", "k:" + secretish + ",", []error{ErrKeyring}},
		{"empty entry", "k:" + secretish + ",,j:" + b64key(1), []error{ErrKeyring}},
		{"duplicate ID", "k:" + secretish + ",k:" + b64key(1), []error{ErrKeyring}},
		{"standard base64 alphabet", "k:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\xfb\xff", 32))), []error{ErrKeyring}},
		{"not base64", "k:" + secretish[:40] + "!!" + secretish[42:], []error{ErrKeyring}},
		{"short key", "k:" + base64.RawURLEncoding.EncodeToString(make([]byte, 32)), []error{ErrKeyring, ErrKeySize}},
		{"long key", "k:" + base64.RawURLEncoding.EncodeToString(make([]byte, 65)), []error{ErrKeyring, ErrKeySize}},
		{"second entry bad", "k:" + b64key(1) + ",j:" + secretish[:20], []error{ErrKeyring, ErrKeySize}},
		{"space inside ID", "a b:" + secretish, []error{ErrKeyring}},
		{"key ID too long", strings.Repeat("i", 256) + ":" + secretish, []error{ErrKeyring}},
		{"key as ID", secretish + ":" + secretish[:3], []error{ErrKeyring}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKeyring(tc.in)
			if k != nil {
				t.Fatalf("ParseKeyring() = %v; want nil", k)
			}
			for _, want := range tc.want {
				if !errors.Is(err, want) {
					t.Errorf("ParseKeyring() error = %v; want %v", err, want)
				}
			}
			if msg := err.Error(); !keyringErrorShape.MatchString(maskDigits(msg)) {
				t.Errorf("ParseKeyring() error %q has an unexpected shape (it may echo input)", msg)
			}
			if strings.Contains(err.Error(), secretish[:8]) {
				t.Errorf("ParseKeyring() error %q echoes key material", err)
			}
		})
	}
}

func TestGenerateKey_FormatKey(t *testing.T) {
	a, err := GenerateKey()
	if err != nil || len(a) != KeySize {
		t.Fatalf("GenerateKey() = %d bytes, %v; want 64", len(a), err)
	}
	b, _ := GenerateKey()
	if string(a) == string(b) {
		t.Error("GenerateKey() returned the same key twice")
	}
	entryA, err := FormatKey("new", a)
	if err != nil {
		t.Fatal(err)
	}
	entryB, _ := FormatKey("old", b)
	k, err := ParseKeyring(entryA + "," + entryB)
	if err != nil {
		t.Fatalf("ParseKeyring(FormatKey…) error = %v", err)
	}
	if k.Primary() != "new" {
		t.Errorf("Primary() = %q; want new", k.Primary())
	}
	if _, err := FormatKey("bad id", a); !errors.Is(err, ErrKeyring) {
		t.Errorf("FormatKey(bad id) error = %v; want ErrKeyring", err)
	}
	if _, err := FormatKey("id", a[:63]); !errors.Is(err, ErrKeySize) {
		t.Errorf("FormatKey(63 bytes) error = %v; want ErrKeySize", err)
	}
}

func TestKeyring_textForm(t *testing.T) {
	k := testRing(t, "k")
	s, err := k.SealString([]byte("hunter2"), []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(s, "+/=") {
		t.Errorf("SealString() = %q; want unpadded base64url", s)
	}
	raw, err := DecodeText(s)
	if err != nil || EncodeText(raw) != s {
		t.Errorf("DecodeText/EncodeText round trip failed: %v", err)
	}
	if got, err := k.Open(raw, []byte("ad")); string(got) != "hunter2" || err != nil {
		t.Errorf("Open(DecodeText(s)) = %q, %v", got, err)
	}
	if got, err := k.OpenString(s, []byte("ad")); string(got) != "hunter2" || err != nil {
		t.Errorf("OpenString() = %q, %v; want hunter2", got, err)
	}
	bad := []struct{ name, in string }{
		{"padded", s + "=="[:(4-len(s)%4)%4] + "===="[:4*boolInt(len(s)%4 == 0)]},
		{"standard alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(s) + "+/"},
		{"non-canonical last char", s[:len(s)-1] + flipLowBits(s[len(s)-1])},
		{"empty", ""},
		{"one char", "A"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			got, err := k.OpenString(tc.in, []byte("ad"))
			if got != nil || !errors.Is(err, ErrMalformed) {
				t.Errorf("OpenString(%q) = %q, %v; want nil, ErrMalformed", tc.in, got, err)
			}
		})
	}
	var nilRing *Keyring
	if _, err := nilRing.SealString(nil, nil); !errors.Is(err, ErrKeyring) {
		t.Errorf("nil.SealString() error = %v; want ErrKeyring", err)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// flipLowBits returns the base64url digit whose value differs from c's in
// the lowest bit, so the decoded bytes are unchanged only if the decoder
// ignores the padding bits.
func flipLowBits(c byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	return string(alphabet[i^1])
}
