package gmail

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/inboxkit/inboxkit/provider"
	"golang.org/x/oauth2"
)

// Revoke ends the grant behind tok at Google (its refresh token, which
// also revokes the access tokens issued from it; the access token when
// there is none), for a user disconnecting a mailbox. A token Google no
// longer knows counts as revoked. revokeURL empty means RevokeURL; hc nil
// means http.DefaultClient.
func Revoke(ctx context.Context, hc *http.Client, revokeURL string, tok *oauth2.Token) error {
	if tok == nil || (tok.RefreshToken == "" && tok.AccessToken == "") {
		return &provider.Error{Op: "revoke", Provider: provider.KindGmail, Code: provider.ErrInvalid, Field: "token", Err: errNoToken}
	}
	if revokeURL == "" {
		revokeURL = RevokeURL
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	t := tok.RefreshToken
	if t == "" {
		t = tok.AccessToken
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, revokeURL, strings.NewReader(url.Values{"token": {t}}.Encode()))
	if err != nil {
		return &provider.Error{Op: "revoke", Provider: provider.KindGmail, Code: provider.ErrInvalid, Field: "revokeURL", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return &provider.Error{Op: "revoke", Provider: provider.KindGmail, Code: provider.ErrTemporary, Err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode == http.StatusOK:
		return nil
	case resp.StatusCode == http.StatusBadRequest && strings.Contains(string(body), "invalid_token"):
		return nil // already revoked or expired
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return &provider.Error{Op: "revoke", Provider: provider.KindGmail, Code: provider.ErrTemporary,
			Err: fmt.Errorf("gmail: revoke: HTTP %d", resp.StatusCode)}
	default:
		return &provider.Error{Op: "revoke", Provider: provider.KindGmail, Code: provider.ErrInvalid,
			Err: fmt.Errorf("gmail: revoke: HTTP %d", resp.StatusCode)}
	}
}
