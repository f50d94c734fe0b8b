package beacon

import (
	"net/http"

	"github.com/inboxkit/inboxkit/tracking/activity"
)

// pixelGIF is a transparent 1×1 GIF89a: 43 bytes.
const pixelGIF = "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff" +
	"!\xf9\x04\x01\x00\x00\x00\x00" +
	",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"

// servePixel always answers with the GIF; only a valid, unexpired token on
// a GET records an Opened event. Apart from the token's claims (one
// string) it does not allocate.
func (h *Handler) servePixel(w http.ResponseWriter, r *http.Request, token string) {
	hdr := w.Header()
	hdr["Content-Type"] = h.gifType
	hdr["Content-Length"] = h.gifLen
	hdr["Cache-Control"] = h.noStore
	hdr["Referrer-Policy"] = h.noReferrer
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr["Allow"] = h.allowGet
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(h.gif)
	if r.Method != http.MethodGet {
		return
	}
	now := h.now()
	c, err := h.signer.Verify(token, TokenOpen, "", now)
	if err != nil {
		return
	}
	_ = h.record(r, h.requestEvent(activity.EventOpened, c, r, now))
}
