package crypto

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// unhex decodes the RFC's space- and newline-separated hex.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rfc7518B3 is RFC 7518 Appendix B.3, "Test Cases for
// AES_256_CBC_HMAC_SHA_512".
type rfcVector struct{ k, p, iv, a, e, t string }

var rfc7518B3 = rfcVector{
	k: `00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
	    10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f
	    20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f
	    30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f`,
	p: `41 20 63 69 70 68 65 72 20 73 79 73 74 65 6d 20
	    6d 75 73 74 20 6e 6f 74 20 62 65 20 72 65 71 75
	    69 72 65 64 20 74 6f 20 62 65 20 73 65 63 72 65
	    74 2c 20 61 6e 64 20 69 74 20 6d 75 73 74 20 62
	    65 20 61 62 6c 65 20 74 6f 20 66 61 6c 6c 20 69
	    6e 74 6f 20 74 68 65 20 68 61 6e 64 73 20 6f 66
	    20 74 68 65 20 65 6e 65 6d 79 20 77 69 74 68 6f
	    75 74 20 69 6e 63 6f 6e 76 65 6e 69 65 6e 63 65`,
	iv: `1a f3 8c 2d c2 b9 6f fd d8 66 94 09 23 41 bc 04`,
	a: `54 68 65 20 73 65 63 6f 6e 64 20 70 72 69 6e 63
	    69 70 6c 65 20 6f 66 20 41 75 67 75 73 74 65 20
	    4b 65 72 63 6b 68 6f 66 66 73`,
	e: `4a ff aa ad b7 8c 31 c5 da 4b 1b 59 0d 10 ff bd
	    3d d8 d5 d3 02 42 35 26 91 2d a0 37 ec bc c7 bd
	    82 2c 30 1d d6 7c 37 3b cc b5 84 ad 3e 92 79 c2
	    e6 d1 2a 13 74 b7 7f 07 75 53 df 82 94 10 44 6b
	    36 eb d9 70 66 29 6a e6 42 7e a7 5c 2e 08 46 a1
	    1a 09 cc f5 37 0d c8 0b fe cb ad 28 c7 3f 09 b3
	    a3 b7 5e 66 2a 25 94 41 0a e4 96 b2 e2 e6 60 9e
	    31 e6 e0 2c c8 37 f0 53 d2 1f 37 ff 4f 51 95 0b
	    be 26 38 d0 9d d7 a4 93 09 30 80 6d 07 03 b1 f6`,
	t: `4d d3 b4 c0 88 a7 f4 5c 21 68 39 64 5b 20 12 bf
	    2e 62 69 a8 c5 6a 81 6d bc 1b 26 77 61 95 5b c5`,
}

func TestNewAEAD_RFC7518B3(t *testing.T) {
	v := rfc7518B3
	key, p, iv, a := unhex(t, v.k), unhex(t, v.p), unhex(t, v.iv), unhex(t, v.a)
	want := append(unhex(t, v.e), unhex(t, v.t)...)

	aead, err := NewAEAD(key)
	if err != nil {
		t.Fatal(err)
	}
	if got := aead.NonceSize(); got != 16 {
		t.Errorf("NonceSize() = %d; want 16", got)
	}
	if got := aead.Overhead(); got != 48 {
		t.Errorf("Overhead() = %d; want 48", got)
	}
	got := aead.Seal(nil, iv, p, a)
	if !bytes.Equal(got, want) {
		t.Fatalf("Seal(B.3) =\n%x\nwant\n%x", got, want)
	}
	opened, err := aead.Open(nil, iv, want, a)
	if err != nil {
		t.Fatalf("Open(B.3) error: %v", err)
	}
	if !bytes.Equal(opened, p) {
		t.Errorf("Open(B.3) = %q; want %q", opened, p)
	}
	if string(p) != "A cipher system must not be required to be secret, and it must be able to fall into the hands of the enemy without inconvenience" {
		t.Errorf("vector P decodes to %q", p)
	}
}

func testAEAD(t testing.TB) (*cbcHMAC, []byte) {
	t.Helper()
	key := make([]byte, KeySize)
	rand.Read(key)
	a, err := newCBCHMAC(key)
	if err != nil {
		t.Fatal(err)
	}
	iv := make([]byte, NonceSize)
	rand.Read(iv)
	return a, iv
}

func TestNewAEAD_keySize(t *testing.T) {
	for _, n := range []int{0, 1, 16, 32, 48, 63, 65, 128} {
		_, err := NewAEAD(make([]byte, n))
		if !errors.Is(err, ErrKeySize) {
			t.Errorf("NewAEAD(%d bytes) error = %v; want ErrKeySize", n, err)
		}
	}
}

func TestAEAD_roundTrip(t *testing.T) {
	a, iv := testAEAD(t)
	for n := 0; n <= 70; n++ {
		p := bytes.Repeat([]byte{byte(n)}, n)
		ad := []byte("record/key")
		c := a.Seal(nil, iv, p, ad)
		if want := (n/16+1)*16 + TagSize; len(c) != want {
			t.Errorf("len(Seal(%d bytes)) = %d; want %d", n, len(c), want)
		}
		got, err := a.Open(nil, iv, c, ad)
		if err != nil || !bytes.Equal(got, p) {
			t.Errorf("Open(Seal(%d bytes)) = %x, %v; want %x", n, got, err, p)
		}
		if _, err := a.Open(nil, iv, c, []byte("record/other")); !errors.Is(err, ErrAuthFailed) {
			t.Errorf("Open with other ad: error = %v; want ErrAuthFailed", err)
		}
	}
}

func TestAEAD_dstAliasing(t *testing.T) {
	a, iv := testAEAD(t)
	p := []byte("thirty-three bytes of plain text!")
	ad := []byte("ad")
	want := a.Seal(nil, iv, p, ad)

	t.Run("append to prefix", func(t *testing.T) {
		dst := []byte("prefix")
		got := a.Seal(dst, iv, p, ad)
		if !bytes.Equal(got[:6], []byte("prefix")) || !bytes.Equal(got[6:], want) {
			t.Errorf("Seal(prefix) = %x; want prefix ‖ %x", got, want)
		}
		opened, err := a.Open([]byte("x"), iv, got[6:], ad)
		if err != nil || string(opened) != "x"+string(p) {
			t.Errorf("Open(x) = %q, %v; want %q", opened, err, "x"+string(p))
		}
	})
	t.Run("seal in place", func(t *testing.T) {
		buf := make([]byte, len(p), len(p)+Overhead)
		copy(buf, p)
		got := a.Seal(buf[:0], iv, buf, ad)
		if !bytes.Equal(got, want) {
			t.Errorf("in-place Seal = %x; want %x", got, want)
		}
		if &got[0] != &buf[0] {
			t.Error("in-place Seal did not reuse plaintext's storage")
		}
	})
	t.Run("open in place", func(t *testing.T) {
		buf := bytes.Clone(want)
		got, err := a.Open(buf[:0], iv, buf, ad)
		if err != nil || !bytes.Equal(got, p) {
			t.Errorf("in-place Open = %q, %v; want %q", got, err, p)
		}
	})
	t.Run("inexact overlap panics", func(t *testing.T) {
		buf := make([]byte, 200)
		copy(buf[1:], p)
		defer func() {
			if recover() == nil {
				t.Error("Seal with inexactly overlapping dst did not panic")
			}
		}()
		a.Seal(buf[:0], iv, buf[1:1+len(p)], ad)
	})
	t.Run("failed open leaves dst alone", func(t *testing.T) {
		bad := bytes.Clone(want)
		bad[0] ^= 1
		dst := make([]byte, 0, 100)
		got, err := a.Open(dst, iv, bad, ad)
		if got != nil || !errors.Is(err, ErrAuthFailed) {
			t.Errorf("Open(tampered) = %q, %v; want nil, ErrAuthFailed", got, err)
		}
		if !bytes.Equal(dst[:cap(dst)], make([]byte, 100)) {
			t.Error("Open(tampered) wrote into dst")
		}
	})
}

func TestAEAD_everyBitFlipped(t *testing.T) {
	a, iv := testAEAD(t)
	p, ad := []byte("refresh-token-1234567890"), []byte("acct")
	c := a.Seal(nil, iv, p, ad)
	for i := range len(c) * 8 {
		bad := bytes.Clone(c)
		bad[i/8] ^= 1 << (i % 8)
		got, err := a.Open(nil, iv, bad, ad)
		if got != nil || !errors.Is(err, ErrAuthFailed) {
			t.Fatalf("Open(bit %d flipped) = %x, %v; want nil, ErrAuthFailed", i, got, err)
		}
	}
	for i := range NonceSize * 8 {
		badIV := bytes.Clone(iv)
		badIV[i/8] ^= 1 << (i % 8)
		if got, err := a.Open(nil, badIV, c, ad); got != nil || !errors.Is(err, ErrAuthFailed) {
			t.Fatalf("Open(IV bit %d flipped) = %x, %v; want nil, ErrAuthFailed", i, got, err)
		}
	}
}

func TestAEAD_truncatedAndExtended(t *testing.T) {
	a, iv := testAEAD(t)
	c := a.Seal(nil, iv, []byte("a value of some forty bytes in length....."), nil)
	for n := range len(c) {
		if got, err := a.Open(nil, iv, c[:n], nil); got != nil || !errors.Is(err, ErrAuthFailed) {
			t.Errorf("Open(first %d of %d bytes) = %x, %v; want nil, ErrAuthFailed", n, len(c), got, err)
		}
	}
	for _, extra := range [][]byte{{0}, make([]byte, 16), make([]byte, 32)} {
		if got, err := a.Open(nil, iv, append(bytes.Clone(c), extra...), nil); got != nil || !errors.Is(err, ErrAuthFailed) {
			t.Errorf("Open(+%d bytes) = %x, %v; want nil, ErrAuthFailed", len(extra), got, err)
		}
	}
	if _, err := a.Open(nil, iv[:15], c, nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("Open(15-byte nonce) error = %v; want ErrMalformed", err)
	}
}

func TestAEAD_sealBadNoncePanics(t *testing.T) {
	a, _ := testAEAD(t)
	defer func() {
		if recover() == nil {
			t.Error("Seal with an 8-byte nonce did not panic")
		}
	}()
	a.Seal(nil, make([]byte, 8), nil, nil)
}

// TestAEAD_badPaddingUnderValidTag covers a ciphertext whose tag is valid
// but whose padding is not, which only a key holder can produce.
func TestAEAD_badPaddingUnderValidTag(t *testing.T) {
	a, iv := testAEAD(t)
	for _, last := range []byte{0, 17, 255} {
		block := bytes.Repeat([]byte{last}, 16)
		ct := make([]byte, 16)
		s := a.get()
		s.enc.SetIV(iv)
		s.enc.CryptBlocks(ct, block)
		data := append(ct, a.tag(s, iv, ct, nil, nil)...)
		a.put(s)
		if got, err := a.Open(nil, iv, data, nil); got != nil || !errors.Is(err, ErrAuthFailed) {
			t.Errorf("Open(padding byte %d) = %x, %v; want nil, ErrAuthFailed", last, got, err)
		}
	}
}

func TestPaddingLen(t *testing.T) {
	tests := []struct {
		tail   []byte
		want   int
		wantOK bool
	}{
		{[]byte{1}, 1, true},
		{[]byte{2, 2}, 2, true},
		{[]byte{1, 2}, 0, false},
		{bytes.Repeat([]byte{16}, 16), 16, true},
		{append([]byte{15}, bytes.Repeat([]byte{16}, 15)...), 0, false},
		{[]byte{0}, 0, false},
		{[]byte{17}, 0, false},
	}
	for _, tc := range tests {
		b := append(make([]byte, 16-len(tc.tail)), tc.tail...)
		b = append(make([]byte, 16), b...)
		got, ok := paddingLen(b)
		if ok != tc.wantOK || (ok && got != tc.want) {
			t.Errorf("paddingLen(…%x) = %d, %v; want %d, %v", tc.tail, got, ok, tc.want, tc.wantOK)
		}
	}
}
