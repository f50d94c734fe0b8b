package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"hash"
	"sync"
)

// Sizes of the AES_256_CBC_HMAC_SHA_512 construction (RFC 7518 §5.2.5).
const (
	// KeySize is the length of a key: MAC_KEY (32) followed by ENC_KEY (32).
	KeySize = 64
	// NonceSize is the length of the IV.
	NonceSize = aes.BlockSize
	// TagSize is the length of the authentication tag T (half of an
	// HMAC-SHA-512 output).
	TagSize = 32
	// Overhead is the most a ciphertext exceeds its plaintext: a full
	// block of PKCS#7 padding plus the tag.
	Overhead = aes.BlockSize + TagSize
)

// ivSetter is a CBC mode whose IV can be replaced, so one mode per pooled
// state serves every call without a new allocation. crypto/aes provides it.
type ivSetter interface {
	cipher.BlockMode
	SetIV(iv []byte)
}

// cbcHMAC is AES_256_CBC_HMAC_SHA_512. The AES key schedule and the HMAC
// inner and outer pad states are computed once, in newCBCHMAC; every call
// borrows a pooled opState cloned from them.
type cbcHMAC struct {
	block cipher.Block
	mac   hash.Cloner // keyed and Reset, so its pad states are precomputed
	pool  sync.Pool   // of *opState
}

// opState is the per-call working set. It is never shared between
// goroutines: get and put move it in and out of the pool.
type opState struct {
	mac  hash.Hash
	enc  ivSetter
	dec  ivSetter
	sum  [sha512.Size]byte
	al   [8]byte
	last [aes.BlockSize]byte
}

var _ cipher.AEAD = (*cbcHMAC)(nil)

// NewAEAD returns AES_256_CBC_HMAC_SHA_512 of RFC 7518 §5.2.5 as a
// cipher.AEAD: key is MAC_KEY ‖ ENC_KEY (64 bytes; anything else is
// ErrKeySize), the nonce is the 16-byte CBC IV, Seal appends C ‖ T and Open
// takes C ‖ T, where T is the first 32 bytes of
// HMAC-SHA-512(MAC_KEY, A ‖ IV ‖ C ‖ AL).
//
// Open checks the tag in constant time before it decrypts anything or looks
// at the padding, so it is no padding oracle; every failure is
// ErrAuthFailed and leaves no plaintext behind. The IV must be
// unpredictable: use a fresh random one per Seal (Keyring does).
//
// Like the standard library's AEADs, Seal panics when the nonce is not
// NonceSize bytes or when dst's spare capacity overlaps plaintext other
// than exactly (use plaintext[:0] to encrypt in place); Open returns an
// error for a wrong nonce length and panics only on such inexact overlap.
// The AEAD is safe for concurrent use.
func NewAEAD(key []byte) (cipher.AEAD, error) {
	return newCBCHMAC(key)
}

func newCBCHMAC(key []byte) (*cbcHMAC, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("%w (got %d)", ErrKeySize, len(key))
	}
	block, err := aes.NewCipher(key[32:])
	if err != nil {
		return nil, fmt.Errorf("crypto: %w", err)
	}
	mac := hmac.New(sha512.New, key[:32])
	mac.Reset() // stores the keyed inner and outer states for later Resets
	cloner, ok := mac.(hash.Cloner)
	if !ok {
		return nil, fmt.Errorf("crypto: HMAC-SHA-512 cannot be cloned")
	}
	a := &cbcHMAC{block: block, mac: cloner}
	first, err := a.newState()
	if err != nil {
		return nil, err
	}
	a.pool.New = func() any {
		s, err := a.newState()
		if err != nil {
			// newState succeeded once above with the same types, and
			// neither cloning a SHA-512 HMAC nor building an AES CBC mode
			// depends on anything but those types.
			panic("crypto: unreachable: " + err.Error())
		}
		return s
	}
	a.pool.Put(first)
	return a, nil
}

func (a *cbcHMAC) newState() (*opState, error) {
	c, err := a.mac.Clone()
	if err != nil {
		return nil, fmt.Errorf("crypto: clone HMAC: %w", err)
	}
	var zero [aes.BlockSize]byte
	enc, ok1 := cipher.NewCBCEncrypter(a.block, zero[:]).(ivSetter)
	dec, ok2 := cipher.NewCBCDecrypter(a.block, zero[:]).(ivSetter)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("crypto: AES-CBC mode cannot reset its IV")
	}
	return &opState{mac: c, enc: enc, dec: dec}, nil
}

func (a *cbcHMAC) get() *opState  { return a.pool.Get().(*opState) }
func (a *cbcHMAC) put(s *opState) { a.pool.Put(s) }

// NonceSize returns 16, the length of the IV.
func (a *cbcHMAC) NonceSize() int { return NonceSize }

// Overhead returns 48: at most one block of padding plus the 32-byte tag.
func (a *cbcHMAC) Overhead() int { return Overhead }

// Seal encrypts and authenticates plaintext with additionalData as A and
// nonce as the IV, and appends C ‖ T to dst.
func (a *cbcHMAC) Seal(dst, nonce, plaintext, additionalData []byte) []byte {
	if len(nonce) != NonceSize {
		panic("crypto: incorrect nonce length given to AES_256_CBC_HMAC_SHA_512")
	}
	return a.seal(dst, nonce, plaintext, additionalData, nil)
}

// Open authenticates C ‖ T in ciphertext with additionalData as A and
// nonce as the IV, then decrypts and appends the plaintext to dst.
func (a *cbcHMAC) Open(dst, nonce, ciphertext, additionalData []byte) ([]byte, error) {
	if len(nonce) != NonceSize {
		return nil, fmt.Errorf("%w: nonce must be %d bytes", ErrMalformed, NonceSize)
	}
	return a.open(dst, nonce, ciphertext, additionalData, nil)
}

// seal is Seal with A given in two parts, a1 ‖ a2, so Keyring can
// authenticate its header and the caller's data without joining them.
func (a *cbcHMAC) seal(dst, iv, plaintext, a1, a2 []byte) []byte {
	full := len(plaintext) &^ (aes.BlockSize - 1)
	ctLen := full + aes.BlockSize
	ret, out := sliceForAppend(dst, ctLen+TagSize)
	if inexactOverlap(out, plaintext) {
		panic("crypto: invalid buffer overlap")
	}
	s := a.get()
	defer a.put(s)

	// PKCS#7: the final block holds the tail of plaintext and 1..16 bytes
	// of padding. Copy it out first: in-place use overwrites plaintext.
	rem := copy(s.last[:], plaintext[full:])
	pad := byte(aes.BlockSize - rem)
	for i := rem; i < aes.BlockSize; i++ {
		s.last[i] = pad
	}
	s.enc.SetIV(iv)
	s.enc.CryptBlocks(out[:full], plaintext[:full])
	s.enc.CryptBlocks(out[full:ctLen], s.last[:])
	copy(out[ctLen:], a.tag(s, iv, out[:ctLen], a1, a2))
	return ret
}

// open is Open with A given as a1 ‖ a2.
func (a *cbcHMAC) open(dst, iv, data, a1, a2 []byte) ([]byte, error) {
	if len(data) < aes.BlockSize+TagSize || (len(data)-TagSize)%aes.BlockSize != 0 {
		return nil, ErrAuthFailed
	}
	ct, tag := data[:len(data)-TagSize], data[len(data)-TagSize:]
	s := a.get()
	defer a.put(s)
	if subtle.ConstantTimeCompare(a.tag(s, iv, ct, a1, a2), tag) != 1 {
		return nil, ErrAuthFailed
	}
	ret, out := sliceForAppend(dst, len(ct))
	if inexactOverlap(out, data) {
		panic("crypto: invalid buffer overlap")
	}
	s.dec.SetIV(iv)
	s.dec.CryptBlocks(out, ct)
	pad, ok := paddingLen(out)
	if !ok {
		// Only a sealer holding the key can get here (the tag matched), but
		// never hand back a partial plaintext.
		clear(out)
		return nil, ErrAuthFailed
	}
	return ret[:len(ret)-pad], nil
}

// tag computes T = HMAC-SHA-512(MAC_KEY, A ‖ IV ‖ C ‖ AL)[:32] with
// A = a1 ‖ a2. The result lives in s and is valid until s is reused.
func (a *cbcHMAC) tag(s *opState, iv, ct, a1, a2 []byte) []byte {
	s.mac.Reset()
	s.mac.Write(a1)
	s.mac.Write(a2)
	s.mac.Write(iv)
	s.mac.Write(ct)
	binary.BigEndian.PutUint64(s.al[:], uint64(len(a1)+len(a2))*8)
	s.mac.Write(s.al[:])
	return s.mac.Sum(s.sum[:0])[:TagSize]
}

// paddingLen checks PKCS#7 padding on b (at least one block) in constant
// time and returns its length.
func paddingLen(b []byte) (int, bool) {
	n := len(b)
	pad := int(b[n-1])
	good := subtle.ConstantTimeLessOrEq(1, pad) & subtle.ConstantTimeLessOrEq(pad, aes.BlockSize)
	for i := range aes.BlockSize {
		inPad := subtle.ConstantTimeLessOrEq(i+1, pad)
		match := subtle.ConstantTimeByteEq(b[n-1-i], byte(pad))
		good &= (1 - inPad) | match
	}
	return pad, good == 1
}
