package fakegraph

import (
	"net/http"
	"strings"
)

var userProps = []string{
	"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
	"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id",
}

// getUser serves GET /me and GET /users/{id | userPrincipalName} with
// $select. A user whose mail was cleared answers "mail": null.
func (s *Server) getUser(w http.ResponseWriter, q *req) *apiError {
	want := map[string]bool{}
	if v, ok := queryValue(q.r.URL.Query(), "$select"); ok && strings.TrimSpace(v) != "" {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			canon := ""
			for _, p := range userProps {
				if strings.EqualFold(p, f) {
					canon = p
				}
			}
			if canon == "" {
				return newError(400, "BadRequest", "Parsing OData Select and Expand failed: Could not find a property named '"+f+"' on type 'microsoft.graph.user'.")
			}
			want[canon] = true
		}
	}
	s.mu.Lock()
	u := q.target
	given, surname, _ := strings.Cut(u.name, " ")
	all := map[string]any{
		"businessPhones": []string{}, "displayName": u.name, "givenName": given, "jobTitle": nil,
		"mail": u.email, "mobilePhone": nil, "officeLocation": nil, "preferredLanguage": "en-US",
		"surname": surname, "userPrincipalName": u.email, "id": u.id,
	}
	if u.mailNull {
		all["mail"] = nil
	}
	s.mu.Unlock()
	ctx := s.URL() + "/$metadata#users/$entity"
	v := map[string]any{}
	for _, p := range userProps {
		if len(want) == 0 || want[p] {
			v[p] = all[p]
		}
	}
	if len(want) > 0 {
		var names []string
		for _, p := range userProps {
			if want[p] {
				names = append(names, p)
			}
		}
		ctx = s.URL() + "/$metadata#users(" + strings.Join(names, ",") + ")/$entity"
	}
	v["@odata.context"] = ctx
	writeJSONStatus(w, http.StatusOK, v)
	return nil
}
