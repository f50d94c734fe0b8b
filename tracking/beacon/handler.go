package beacon

import (
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/tracking/activity"
)

// HandlerOptions configures [NewHandler].
type HandlerOptions struct {
	// Detector flags prefetchers and scanners; nil means the zero
	// Detector (built-in lists).
	Detector *Detector
	// ClientIP returns the requester's address. Nil means the address of
	// r.RemoteAddr; behind a proxy, supply one that reads the header your
	// proxy sets (and only that).
	ClientIP func(r *http.Request) netip.Addr
	// Logger reports sink failures; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Handler serves the tracking endpoints under any prefix, matching on the
// last two path segments:
//
//	GET  …/o/TOKEN          the open pixel: always the 43-byte GIF
//	GET  …/c/TOKEN?u=URL    a click: 302 to URL if the token was signed for exactly that URL, else 400
//	GET  …/u/TOKEN          the unsubscribe confirmation page (records nothing)
//	POST …/u/TOKEN          RFC 8058 one-click unsubscribe (body List-Unsubscribe=One-Click)
//
// The pixel answers every request with the GIF, recording an Opened event
// only for a valid, unexpired token. A click with a tampered, truncated,
// unsigned or replayed-for-another-URL token is a 400 and never a
// redirect; an expired but authentic click still redirects to its signed
// URL without being recorded. HEAD requests get the same answers and
// record nothing. Opens and clicks from proxies and scanners are recorded
// with [activity.Event].Automation set (see [Detector]). Responses carry
// Cache-Control: no-store and Referrer-Policy: no-referrer so tokens do
// not leak to the link's site.
//
// A Handler is safe for concurrent use.
type Handler struct {
	signer   *Signer
	sink     activity.Sink
	detector *Detector
	clientIP func(r *http.Request) netip.Addr
	logger   *slog.Logger
	now      func() time.Time

	// Header values and the GIF, built once so a pixel request writes
	// them without allocating. Never modified after NewHandler.
	gif          []byte
	gifType      []string
	gifLen       []string
	noStore      []string
	noReferrer   []string
	htmlType     []string
	textType     []string
	allowGetPost []string
	allowGet     []string
}

// NewHandler returns a Handler that checks tokens with s and records
// events to sink.
func NewHandler(s *Signer, sink activity.Sink, opts *HandlerOptions) (*Handler, error) {
	if s == nil || sink == nil {
		return nil, errors.New("beacon: handler: nil signer or sink")
	}
	var o HandlerOptions
	if opts != nil {
		o = *opts
	}
	h := &Handler{
		signer:       s,
		sink:         sink,
		detector:     o.Detector,
		clientIP:     o.ClientIP,
		logger:       o.Logger,
		now:          o.Now,
		gif:          []byte(pixelGIF),
		gifType:      []string{"image/gif"},
		gifLen:       []string{"43"},
		noStore:      []string{"no-store, no-cache, must-revalidate, private, max-age=0"},
		noReferrer:   []string{"no-referrer"},
		htmlType:     []string{"text/html; charset=utf-8"},
		textType:     []string{"text/plain; charset=utf-8"},
		allowGetPost: []string{"GET, HEAD, POST"},
		allowGet:     []string{"GET, HEAD"},
	}
	if h.detector == nil {
		h.detector = &Detector{}
	}
	if h.clientIP == nil {
		h.clientIP = remoteIP
	}
	if h.logger == nil {
		h.logger = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	return h, nil
}

// ServeHTTP routes to the pixel, click or unsubscribe endpoint.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind, token := route(r.URL.Path)
	switch kind {
	case "o":
		h.servePixel(w, r, token)
	case "c":
		h.serveClick(w, r, token)
	case "u":
		h.serveUnsubscribe(w, r, token)
	default:
		http.NotFound(w, r)
	}
}

// route splits ".../KIND/TOKEN" without allocating.
func route(path string) (kind, token string) {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "", ""
	}
	token, rest := path[i+1:], path[:i]
	j := strings.LastIndexByte(rest, '/')
	return rest[j+1:], token
}

// remoteIP is the default ClientIP: the address part of r.RemoteAddr.
func remoteIP(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	a, _ := netip.ParseAddr(r.RemoteAddr)
	return a.Unmap()
}

// requestEvent fills the request-derived fields of an event.
func (h *Handler) requestEvent(typ activity.EventType, c Claims, r *http.Request, now time.Time) activity.Event {
	ua := r.Header.Get("User-Agent")
	ip := h.clientIP(r)
	return activity.Event{
		Type:       typ,
		At:         now,
		Account:    c.Account,
		MessageID:  c.MessageID,
		Recipient:  c.Recipient,
		Campaign:   c.Campaign,
		Automation: h.detector.Detect(ua, ip),
		IP:         ip,
		UserAgent:  ua,
	}
}

// record hands e to the sink, logging a failure.
func (h *Handler) record(r *http.Request, e activity.Event) error {
	err := h.sink.Record(r.Context(), e)
	if err != nil {
		h.logger.WarnContext(r.Context(), "beacon: recording an event failed",
			"type", string(e.Type), "message_id", e.MessageID, "err", err)
	}
	return err
}
