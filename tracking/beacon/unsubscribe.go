package beacon

import (
	"errors"
	"html"
	"mime"
	"net/http"

	"github.com/inboxkit/inboxkit/tracking/activity"
)

// maxUnsubscribeBody caps the POST body read for an unsubscribe.
const maxUnsubscribeBody = 8 << 10

// The form field RFC 8058 §3.1 requires in the one-click POST, and the one
// the confirmation page adds so its POST is told apart.
const (
	oneClickField = "List-Unsubscribe"
	oneClickValue = "One-Click"
	pageField     = "inboxkit-confirm"
)

// serveUnsubscribe shows the confirmation page on GET (never recording:
// scanners and prefetchers follow GET links) and records an Unsubscribed
// event on a POST carrying List-Unsubscribe=One-Click (RFC 8058), from a
// mail client or from the page.
func (h *Handler) serveUnsubscribe(w http.ResponseWriter, r *http.Request, token string) {
	hdr := w.Header()
	hdr["Cache-Control"] = h.noStore
	hdr["Referrer-Policy"] = h.noReferrer
	now := h.now()
	c, err := h.signer.Verify(token, TokenUnsubscribe, "", now)
	if err != nil && !errors.Is(err, ErrTokenExpired) { // an authentic opt-out is honoured however old
		h.page(w, http.StatusBadRequest, "This unsubscribe link is not valid.", false)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.page(w, http.StatusOK, "Unsubscribe from these emails?", true)
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, maxUnsubscribeBody)
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
			err = r.ParseMultipartForm(maxUnsubscribeBody)
		} else {
			err = r.ParseForm()
		}
		if err != nil || r.PostForm.Get(oneClickField) != oneClickValue {
			h.page(w, http.StatusBadRequest, "This unsubscribe request is not valid.", false)
			return
		}
		e := h.requestEvent(activity.EventUnsubscribed, c, r, now)
		e.OneClick = r.PostForm.Get(pageField) == ""
		if h.record(r, e) != nil {
			h.page(w, http.StatusInternalServerError, "Sorry, that did not work. Please try again later.", false)
			return
		}
		h.page(w, http.StatusOK, "You have been unsubscribed.", false)
	default:
		hdr["Allow"] = h.allowGetPost
		h.page(w, http.StatusMethodNotAllowed, "Method not allowed.", false)
	}
}

// page writes a minimal HTML page; with form, a button that POSTs the
// one-click body back to the same URL.
func (h *Handler) page(w http.ResponseWriter, code int, msg string, form bool) {
	w.Header()["Content-Type"] = h.htmlType
	w.WriteHeader(code)
	body := `<!doctype html><html><head><meta charset="utf-8"><meta name="robots" content="noindex">` +
		`<meta name="viewport" content="width=device-width"><title>Unsubscribe</title></head>` +
		`<body style="font-family:sans-serif;max-width:32em;margin:3em auto;padding:0 1em"><p>` + html.EscapeString(msg) + `</p>`
	if form {
		body += `<form method="post"><input type="hidden" name="` + oneClickField + `" value="` + oneClickValue + `">` +
			`<input type="hidden" name="` + pageField + `" value="1"><button type="submit">Unsubscribe</button></form>`
	}
	_, _ = w.Write([]byte(body + "</body></html>\n"))
}
