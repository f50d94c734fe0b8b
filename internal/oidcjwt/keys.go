package oidcjwt

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// GoogleCertsURL is where Google publishes the keys that sign its ID
// tokens, Pub/Sub push tokens included, as a JSON Web Key Set.
const GoogleCertsURL = "https://www.googleapis.com/oauth2/v3/certs"

// ErrUnknownKey is the error of a token signed with a key the key set does
// not hold, even after fetching it again.
var ErrUnknownKey = errors.New("oidcjwt: signing key not in the issuer's key set")

// Keys is an issuer's key set, fetched on first use and cached by key id
// for the max-age of the response's Cache-Control (MinAge when it gives
// none or less, MaxAge at most). A token naming a key that is not cached
// fetches the set again, at most once per MinRefresh, so that tokens with
// made-up key ids cannot make it hammer the issuer. Safe for concurrent
// use; the zero value is not usable, fill URL.
type Keys struct {
	// URL is the JWKS document, e.g. GoogleCertsURL.
	URL string
	// Client fetches it; nil means http.DefaultClient.
	Client *http.Client
	// MinAge and MaxAge bound how long a fetched set is used; zero means
	// 5 minutes and 24 hours.
	MinAge, MaxAge time.Duration
	// MinRefresh is the least time between fetches caused by unknown key
	// ids; zero means 1 minute.
	MinRefresh time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey
	expires time.Time
	fetched time.Time
	fetches int
}

// Key returns the RSA public key with id kid, fetching the set when the
// cache is empty or stale, or does not know kid.
func (k *Keys) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	fresh := k.keys != nil && now.Before(k.expires)
	if key, ok := k.keys[kid]; ok && fresh {
		return key, nil
	}
	if fresh && now.Sub(k.fetched) < defaultDur(k.MinRefresh, time.Minute) {
		return nil, ErrUnknownKey
	}
	if err := k.fetch(ctx, now); err != nil {
		return nil, err
	}
	if key, ok := k.keys[kid]; ok {
		return key, nil
	}
	return nil, ErrUnknownKey
}

// Fetches reports how many times the key set was fetched.
func (k *Keys) Fetches() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.fetches
}

// maxJWKS bounds the key set document.
const maxJWKS = 1 << 20

func (k *Keys) fetch(ctx context.Context, now time.Time) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.URL, nil)
	if err != nil {
		return fmt.Errorf("oidcjwt: key set: %w", err)
	}
	client := k.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("oidcjwt: fetching the key set: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("oidcjwt: fetching the key set: %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKS+1))
	if err != nil {
		return fmt.Errorf("oidcjwt: reading the key set: %w", err)
	}
	if len(body) > maxJWKS {
		return errors.New("oidcjwt: key set larger than 1 MiB")
	}
	keys, err := ParseJWKS(body)
	if err != nil {
		return err
	}
	k.fetches++
	k.keys = keys
	k.fetched = now
	age := maxAge(resp.Header.Get("Cache-Control"))
	age = min(max(age, defaultDur(k.MinAge, 5*time.Minute)), defaultDur(k.MaxAge, 24*time.Hour))
	k.expires = now.Add(age)
	return nil
}

// ParseJWKS reads the RSA signing keys of a JSON Web Key Set (RFC 7517),
// by key id. Keys of other types or uses are skipped.
func ParseJWKS(body []byte) (map[string]*rsa.PublicKey, error) {
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Use string `json:"use"`
			Alg string `json:"alg"`
			Kid string `json:"kid"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("oidcjwt: key set: %w", err)
	}
	keys := make(map[string]*rsa.PublicKey, len(set.Keys))
	for _, jk := range set.Keys {
		if jk.Kty != "RSA" || (jk.Use != "" && jk.Use != "sig") || (jk.Alg != "" && jk.Alg != "RS256") || jk.Kid == "" {
			continue
		}
		n, err := decodeSegment(jk.N)
		if err != nil {
			return nil, fmt.Errorf("oidcjwt: key %q: modulus: %v", jk.Kid, err)
		}
		e, err := decodeSegment(jk.E)
		if err != nil || len(e) > 4 {
			return nil, fmt.Errorf("oidcjwt: key %q: bad exponent", jk.Kid)
		}
		exp := int(new(big.Int).SetBytes(e).Int64())
		mod := new(big.Int).SetBytes(n)
		if exp < 3 || exp%2 == 0 || mod.BitLen() < 2048 {
			return nil, fmt.Errorf("oidcjwt: key %q: weak or invalid RSA key", jk.Kid)
		}
		keys[jk.Kid] = &rsa.PublicKey{N: mod, E: exp}
	}
	if len(keys) == 0 {
		return nil, errors.New("oidcjwt: key set has no RSA signing key")
	}
	return keys, nil
}

// maxAge reads max-age from a Cache-Control header (0 when absent, or
// when no-store or no-cache forbid reuse).
func maxAge(cc string) time.Duration {
	var age time.Duration
	for _, d := range strings.Split(cc, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		switch strings.ToLower(name) {
		case "no-store", "no-cache":
			return 0
		case "max-age":
			if s, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64); err == nil && s > 0 {
				age = time.Duration(min(s, int64(365*24*time.Hour/time.Second))) * time.Second
			}
		}
	}
	return age
}

func (k *Keys) now() time.Time {
	if k.Now != nil {
		return k.Now()
	}
	return time.Now()
}

func defaultDur(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
