package crypto

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func FuzzOpen(f *testing.F) {
	k, err := NewKeyring("k1", map[string][]byte{"k1": testKey(1), "k0": testKey(2)})
	if err != nil {
		f.Fatal(err)
	}
	old, _ := NewKeyring("k0", map[string][]byte{"k0": testKey(2)})
	ad := []byte("cred/x")
	valid := map[string]string{}
	for i, p := range []string{"", "a", "sixteen bytes!!!", strings.Repeat("z", 100)} {
		for _, r := range []*Keyring{k, old} {
			s := sealWithIV(r, byte(i), []byte(p), ad)
			valid[string(s)] = p
			f.Add(s, false)
			f.Add([]byte(EncodeText(s)), true)
		}
	}
	f.Add([]byte{}, false)
	f.Add([]byte{1, 2, 'k', '1'}, false)
	f.Fuzz(func(t *testing.T, in []byte, text bool) {
		var got []byte
		var err error
		if text {
			got, err = k.OpenString(string(in), ad)
			if err == nil {
				in, _ = DecodeText(string(in))
			}
		} else {
			got, err = k.Open(in, ad)
		}
		if err != nil {
			if got != nil {
				t.Fatalf("Open returned %d bytes with error %v", len(got), err)
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrAuthFailed) && !errors.Is(err, ErrUnknownKey) {
				t.Fatalf("Open error %v matches no sentinel", err)
			}
			return
		}
		want, ok := valid[string(in)]
		if !ok {
			t.Fatalf("Open accepted a value nobody sealed: %x", in)
		}
		if string(got) != want {
			t.Fatalf("Open = %q; want %q", got, want)
		}
	})
}

// sealWithIV is Keyring.Seal with a fixed IV, so seed values are the same
// in every fuzzing process.
func sealWithIV(k *Keyring, ivByte byte, plaintext, ad []byte) []byte {
	hdr := append([]byte{sealVersion, byte(len(k.primary))}, k.primary...)
	iv := bytes.Repeat([]byte{ivByte}, NonceSize)
	out := append(bytes.Clone(hdr), iv...)
	return k.keys[k.primary].seal(out, iv, plaintext, hdr, ad)
}

func FuzzParseKeyring(f *testing.F) {
	f.Add("k1:" + b64key(1))
	f.Add("new:" + b64key(2) + ",old:" + b64key(1))
	f.Add(" a : " + b64key(3) + "== ,\n")
	f.Add("k:" + b64key(1) + ",k:" + b64key(2))
	f.Add(":,:")
	f.Add("k:AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKeyring(s)
		if err != nil {
			if k != nil {
				t.Fatal("ParseKeyring returned a ring and an error")
			}
			if !errors.Is(err, ErrKeyring) {
				t.Fatalf("error %v does not match ErrKeyring", err)
			}
			if !keyringErrorShape.MatchString(maskDigits(err.Error())) {
				t.Fatalf("error %q has an unexpected shape (it may echo input)", err)
			}
			return
		}
		first, _, _ := strings.Cut(strings.TrimSpace(s), ",")
		id, _, _ := strings.Cut(first, ":")
		if k.Primary() != strings.TrimSpace(id) {
			t.Fatalf("Primary() = %q; want the first entry's ID %q", k.Primary(), id)
		}
		for _, id := range k.IDs() {
			if !validKeyID(id) {
				t.Fatalf("ring holds invalid key ID %q", id)
			}
		}
		sealed, err := k.Seal([]byte("p"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := k.Open(sealed, nil); err != nil || string(got) != "p" {
			t.Fatalf("round trip = %q, %v", got, err)
		}
	})
}

func FuzzFileName(f *testing.F) {
	for _, k := range []string{"a", "..", ".", "a/b", "UPPER", "~x", "%41", strings.Repeat("/", MaxKeyLen), "鍵"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if ValidateKey(key) != nil {
			return
		}
		name := fileName(key)
		if len(name) > maxFileName || name == "." || name == ".." || strings.HasPrefix(name, ".") ||
			strings.ContainsAny(name, "/\\\x00") {
			t.Fatalf("fileName(%q) = %q is not a safe file name", key, name)
		}
		for i := range len(name) {
			inEscape := i >= 1 && name[i-1] == '%' || i >= 2 && name[i-2] == '%'
			if c := name[i]; 'A' <= c && c <= 'Z' && !inEscape {
				t.Fatalf("fileName(%q) = %q has an upper-case letter outside an escape", key, name)
			}
		}
		got, ok := keyFromFileName(name)
		if !ok || got != key {
			t.Fatalf("keyFromFileName(fileName(%q)) = %q, %v", key, got, ok)
		}
	})
}
