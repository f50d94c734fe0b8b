package beacon

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/inboxkit/inboxkit/tracking/activity"
)

// serveClick redirects to the URL the token was signed for, or answers 400.
func (h *Handler) serveClick(w http.ResponseWriter, r *http.Request, token string) {
	hdr := w.Header()
	hdr["Cache-Control"] = h.noStore
	hdr["Referrer-Policy"] = h.noReferrer
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr["Allow"] = h.allowGet
		h.plain(w, http.StatusMethodNotAllowed, "method not allowed\n")
		return
	}
	target, ok := clickTarget(r.URL.RawQuery)
	if !ok {
		h.plain(w, http.StatusBadRequest, "this tracking link is not valid\n")
		return
	}
	now := h.now()
	c, err := h.signer.Verify(token, TokenClick, target, now)
	if err != nil && !errors.Is(err, ErrTokenExpired) || !safeRedirect(target) {
		h.plain(w, http.StatusBadRequest, "this tracking link is not valid\n")
		return
	}
	hdr["Location"] = []string{target}
	w.WriteHeader(http.StatusFound)
	if err != nil || r.Method != http.MethodGet {
		return // expired: still authentic, so redirect, but do not record
	}
	e := h.requestEvent(activity.EventClicked, c, r, now)
	e.URL = target
	_ = h.record(r, e)
}

// clickTarget returns the one "u" parameter of a raw query, unescaped.
func clickTarget(raw string) (string, bool) {
	var found string
	n := 0
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(kv, "=")
		if k != "u" {
			continue
		}
		n++
		u, err := url.QueryUnescape(v)
		if err != nil {
			return "", false
		}
		found = u
	}
	return found, n == 1 && found != ""
}

// safeRedirect double-checks a signed target before it becomes a Location:
// absolute http(s) with a host, no control characters or spaces.
func safeRedirect(target string) bool {
	for i := 0; i < len(target); i++ {
		if c := target[i]; c <= 0x20 || c >= 0x7f {
			return false
		}
	}
	u, err := url.Parse(target)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// plain writes a short text/plain answer.
func (h *Handler) plain(w http.ResponseWriter, code int, msg string) {
	w.Header()["Content-Type"] = h.textType
	w.WriteHeader(code)
	_, _ = w.Write([]byte(msg))
}
