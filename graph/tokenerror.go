package graph

import (
	"encoding/json"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
)

// Microsoft asks clients to react to the OAuth "error" value and warns that
// AADSTS numbers change; they only refine it here, in both directions.
// https://learn.microsoft.com/entra/identity-platform/reference-error-codes

// deadGrant lists AADSTS codes that mean the refresh token (or the code)
// will never work again: the user must reconnect.
var deadGrant = map[int]bool{
	700082:  true, // refresh token expired after 90 days of inactivity
	700084:  true, // SPA refresh token past its 24 h lifetime
	50173:   true, // grant revoked: password changed or sessions revoked
	50089:   true, // flow token expired
	50132:   true, // session invalid: password expired or changed
	50133:   true, // session revoked: password expired or changed
	50055:   true, // password expired
	50144:   true, // on-premises password expired
	50135:   true, // password change required (account risk)
	50078:   true, // MFA expired: sign in again
	50076:   true, // MFA required
	50079:   true, // MFA registration required
	50072:   true, // MFA enrolment required
	65001:   true, // consent revoked or never given
	65004:   true, // user declined consent
	90094:   true, // admin consent required
	70000:   true, // grant invalid or malformed
	70008:   true, // code or refresh token expired
	70043:   true, // expired by Conditional Access sign-in frequency
	54005:   true, // authorization code already redeemed
	501481:  true, // PKCE code_verifier does not match the challenge
	700005:  true, // code redeemed against another tenant
	500014:  true, // service principal disabled
	50057:   true, // user account disabled
	50034:   true, // user account does not exist in the directory
	53003:   true, // blocked by Conditional Access
	530032:  true, // blocked by a tenant security policy
	530035:  true, // blocked by security defaults
	700016:  true, // application not found in the tenant
	70001:   true, // application disabled
	7000112: true, // application disabled
	7000215: true, // invalid client secret
	7000222: true, // client secret expired
}

// transient lists AADSTS codes that say "retry": they win over the error
// value, so a passing outage never disconnects a user.
var transient = map[int]bool{
	50033: true, // RetryableError
	50087: true, // SasRetryableError (strong authentication)
	50088: true, // telecom MFA call limit: try again in minutes
	50196: true, // LoopDetected: too many identical requests
	70012: true, // MsaServerError (personal accounts)
	90006: true, // ExternalServerRetryableError
	90012: true, // RequestTimeout
	90024: true, // RequestBudgetExceededError
	90033: true, // MsodsServiceUnavailable
	90055: true, // TenantThrottlingError
	90090: true, // GraphRetryableError
	90091: true, // GraphServiceUnreachable
	40010: true, // OAuth2IdPRetryableServerError (federated IdP)
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
		Transient: func(re *oauth2.RetrieveError) bool { return anyIn(aadstsCodes(re), transient) },
		Dead:      func(re *oauth2.RetrieveError) bool { return anyIn(aadstsCodes(re), deadGrant) },
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

func anyIn(codes []int, set map[int]bool) bool {
	for _, c := range codes {
		if set[c] {
			return true
		}
	}
	return false
}
