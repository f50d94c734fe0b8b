package graph

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
)

// Microsoft asks clients to react to the OAuth "error" value and warns that
// AADSTS numbers change; they only refine it here, in both directions.
// https://learn.microsoft.com/entra/identity-platform/reference-error-codes

// deadGrant reports AADSTS codes that mean the refresh token (or the code)
// will never work again: the user must reconnect.
func deadGrant(code int) bool {
	switch code {
	case
		700082,  // refresh token expired after 90 days of inactivity
		700084,  // SPA refresh token past its 24 h lifetime
		50173,   // grant revoked: password changed or sessions revoked
		50089,   // flow token expired
		50132,   // session invalid: password expired or changed
		50133,   // session revoked: password expired or changed
		50055,   // password expired
		50144,   // on-premises password expired
		50135,   // password change required (account risk)
		50078,   // MFA expired: sign in again
		50076,   // MFA required
		50079,   // MFA registration required
		50072,   // MFA enrolment required
		65001,   // consent revoked or never given
		65004,   // user declined consent
		90094,   // admin consent required
		70000,   // grant invalid or malformed
		70008,   // code or refresh token expired
		70043,   // expired by Conditional Access sign-in frequency
		54005,   // authorization code already redeemed
		501481,  // PKCE code_verifier does not match the challenge
		700005,  // code redeemed against another tenant
		500014,  // service principal disabled
		50057,   // user account disabled
		50034,   // user account does not exist in the directory
		53003,   // blocked by Conditional Access
		530032,  // blocked by a tenant security policy
		530035,  // blocked by security defaults
		700016,  // application not found in the tenant
		70001,   // application disabled
		7000112, // application disabled
		7000215, // invalid client secret
		7000222: // client secret expired
		return true
	}
	return false
}

// transient reports AADSTS codes that say "retry": they win over the error
// value, so a passing outage never disconnects a user.
func transient(code int) bool {
	switch code {
	case
		50033, // RetryableError
		50087, // SasRetryableError (strong authentication)
		50088, // telecom MFA call limit: try again in minutes
		50196, // LoopDetected: too many identical requests
		70012, // MsaServerError (personal accounts)
		90006, // ExternalServerRetryableError
		90012, // RequestTimeout
		90024, // RequestBudgetExceededError
		90033, // MsodsServiceUnavailable
		90055, // TenantThrottlingError
		90090, // GraphRetryableError
		90091, // GraphServiceUnreachable
		40010: // OAuth2IdPRetryableServerError (federated IdP)
		return true
	}
	return false
}

// tokenError classifies a failure of the Microsoft token endpoint:
//
//   - a retryable AADSTS code (see transient), a 5xx, a 429,
//     temporarily_unavailable or a network failure is ErrTemporary;
//   - invalid_grant (including AADSTS700082, a refresh token expired after
//     90 idle days), interaction_required, consent_required, a rejected
//     client, any code of deadGrant, and any other 400 or 401 is ErrAuth.
//
// A context error is returned as is.
func tokenError(op string, err error) error {
	return oauthtoken.TokenRules{
		Kind:      provider.KindGraph,
		Transient: func(re *oauth2.RetrieveError) bool { return slices.ContainsFunc(aadstsCodes(re), transient) },
		Dead:      func(re *oauth2.RetrieveError) bool { return slices.ContainsFunc(aadstsCodes(re), deadGrant) },
	}.Classify(op, err)
}

// aadstsCodes returns the STS codes of a token-endpoint error: the
// error_codes array of its JSON body and every "AADSTS<digits>" in its
// error_description, compared as whole numbers (so AADSTS70000 never
// matches AADSTS700000).
func aadstsCodes(re *oauth2.RetrieveError) []int {
	var body struct {
		Codes []int `json:"error_codes"`
	}
	_ = json.Unmarshal(re.Body, &body)
	codes := body.Codes
	desc := re.ErrorDescription
	for {
		i := strings.Index(desc, "AADSTS")
		if i < 0 {
			return codes
		}
		desc = desc[i+len("AADSTS"):]
		n := 0
		for n < len(desc) && desc[n] >= '0' && desc[n] <= '9' {
			n++
		}
		if c, err := strconv.Atoi(desc[:n]); err == nil {
			codes = append(codes, c)
		}
	}
}
