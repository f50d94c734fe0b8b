package graph

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/provider"
)

// deadGrant lists the Microsoft identity platform's AADSTS codes that mean
// the refresh token will never work again: the user must reconnect.
// https://learn.microsoft.com/entra/identity-platform/reference-error-codes
var deadGrant = []string{
	"AADSTS700082", // refresh token expired after 90 days of inactivity
	"AADSTS700084", // SPA refresh token past its 24 h lifetime
	"AADSTS50173",  // grant expired: password changed or sessions revoked
	"AADSTS50078",  // MFA expired: sign in again
	"AADSTS50076",  // MFA required
	"AADSTS50079",  // MFA registration required
	"AADSTS65001",  // consent revoked or never given
	"AADSTS70000",  // grant invalid or malformed
	"AADSTS70008",  // code or refresh token expired
	"AADSTS70043",  // refresh token expired by Conditional Access sign-in frequency
	"AADSTS500014", // service principal disabled
	"AADSTS50057",  // user account disabled
	"AADSTS50034",  // user account does not exist in the directory
	"AADSTS53003",  // blocked by Conditional Access
}

// tokenError classifies a failure of the Microsoft token endpoint. A dead
// grant — invalid_grant (including AADSTS700082, a refresh token expired
// after 90 idle days), interaction_required, a rejected client, or any of
// deadGrant — is ErrAuth; a 5xx, 429, temporarily_unavailable or a network
// failure is ErrTemporary.
func tokenError(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	code := provider.ErrTemporary
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		switch {
		case re.ErrorCode == "temporarily_unavailable" || status >= 500 || status == http.StatusTooManyRequests:
			code = provider.ErrTemporary
		case re.ErrorCode == "invalid_grant" || re.ErrorCode == "interaction_required" ||
			re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client" || re.ErrorCode == "consent_required":
			code = provider.ErrAuth
		case hasDeadGrantCode(re.ErrorDescription) || hasDeadGrantCode(string(re.Body)):
			code = provider.ErrAuth
		case status == http.StatusBadRequest || status == http.StatusUnauthorized:
			code = provider.ErrAuth
		}
	}
	return &provider.Error{Op: op, Provider: provider.KindGraph, Code: code, Err: err}
}

func hasDeadGrantCode(s string) bool {
	for _, c := range deadGrant {
		if strings.Contains(s, c) {
			return true
		}
	}
	return false
}
