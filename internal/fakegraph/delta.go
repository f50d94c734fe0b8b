package fakegraph

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// deltaOpts are the options of a round of change tracking, fixed by its
// first request and carried by its state tokens.
type deltaOpts struct {
	sel        selection
	since      *term // receivedDateTime ge|gt
	changeType string
	pageSize   int
	desc       bool
}

type deltaEntry struct {
	imm     string // the message's immutable id
	id      string // its regular id in the folder when listed
	removed bool
}

// deltaState is what a $skiptoken or $deltatoken stands for.
type deltaState struct {
	user      *user
	userSeg   string // "me" or "users/{id}", for the links
	folder    string
	opts      deltaOpts
	watermark uint64       // changes up to this seq are covered
	entries   []deltaEntry // a skiptoken's remaining page items
	offset    int
	isDelta   bool
	started   bool // a round after the first: only changes since watermark
	expired   bool
	gen       int // generation shown in SyncStateNotFound
}

// ExpireDeltaTokens makes every $skiptoken and $deltatoken issued so far
// answer 410 Gone with SyncStateNotFound, as Outlook does when its sync
// state cache has dropped a token.
func (s *Server) ExpireDeltaTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.deltas {
		st.expired = true
	}
}

// preferredPageSize reads Prefer: odata.maxpagesize=N.
func preferredPageSize(r *http.Request) int {
	for _, v := range r.Header.Values("Prefer") {
		for _, p := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "odata.maxpagesize") {
				if n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(val), `"`)); err == nil && n > 0 {
					return n
				}
			}
		}
	}
	return 0
}

// parseDeltaOpts reads the options of a round's first request.
func parseDeltaOpts(query url.Values) (deltaOpts, *apiError) {
	var o deltaOpts
	var e *apiError
	if o.sel, e = parseSelect(first(queryValue(query, "$select"))); e != nil {
		return o, e
	}
	if f, ok := queryValue(query, "$filter"); ok {
		terms, e := parseFilter(f)
		if e != nil {
			return o, e
		}
		if len(terms) != 1 || terms[0].prop != "receivedDateTime" || (terms[0].op != "ge" && terms[0].op != "gt") {
			return o, newError(400, "ErrorInvalidUrlQueryFilter", msgBadFilter)
		}
		o.since = &terms[0]
	}
	if ct, ok := queryValue(query, "changeType"); ok {
		o.changeType = strings.ToLower(ct)
		if o.changeType != "created" && o.changeType != "updated" && o.changeType != "deleted" {
			return o, newError(400, "ErrorInvalidParameter", "The value '"+ct+"' of parameter 'changeType' is not valid.")
		}
	}
	if v, ok := queryValue(query, "$top"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return o, newError(400, "ErrorInvalidUrlQuery", "The value of $top is not valid.")
		}
		o.pageSize = n
	}
	if v, ok := queryValue(query, "$orderby"); ok {
		if strings.ToLower(strings.Join(strings.Fields(v), " ")) != "receiveddatetime desc" {
			return o, newError(400, "ErrorInvalidUrlQuery", "Only $orderby=receivedDateTime desc is supported in a delta query.")
		}
		o.desc = true
	}
	return o, nil
}

// delta serves GET /me/mailFolders/{f}/messages/delta: a round of pages
// linked by @odata.nextLink ($skiptoken) ending in an @odata.deltaLink
// ($deltatoken); a round started from a deltaLink returns only the
// changes since (created and updated messages, @removed for messages
// that left the folder).
func (s *Server) delta(w http.ResponseWriter, q *req) *apiError {
	query := q.r.URL.Query()
	skipTok, isSkip := queryValue(query, "$skiptoken")
	deltaTok, isDelta := queryValue(query, "$deltatoken")
	var opts deltaOpts
	var e *apiError
	if !isSkip && !isDelta {
		if opts, e = parseDeltaOpts(query); e != nil {
			return e
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	folder, ok := q.target.resolveFolder(q.folder)
	if !ok {
		return newError(400, "ErrorInvalidIdMalformed", msgIDMalformed)
	}
	var st *deltaState
	switch {
	case isSkip || isDelta:
		tok := skipTok
		if isDelta {
			tok = deltaTok
		}
		st = s.deltas[tok]
		if st == nil || st.expired || st.isDelta != isDelta || st.user != q.target || st.folder != folder {
			gen := 0
			if st != nil {
				gen = st.gen
			}
			return newError(http.StatusGone, "SyncStateNotFound",
				fmt.Sprintf("The sync state generation is not found; generation=%d;[highest=%d][%d].", gen, len(s.deltas), len(s.deltas)))
		}
	default:
		userSeg := "me"
		if !q.me {
			userSeg = "users/" + q.user
		}
		st = &deltaState{user: q.target, userSeg: userSeg, folder: folder, opts: opts, isDelta: true}
	}
	if st.isDelta { // a new round
		round := &deltaState{user: st.user, userSeg: st.userSeg, folder: folder, opts: st.opts, watermark: s.seq, started: true}
		round.entries = s.deltaEntries(q.target, folder, st)
		st = round
	}
	size := preferredPageSize(q.r)
	if size > 0 {
		w.Header().Add("Preference-Applied", "odata.maxpagesize="+strconv.Itoa(size))
	} else if size = st.opts.pageSize; size == 0 {
		size = 10
	}
	end := min(st.offset+size, len(st.entries))
	vals := []any{}
	for _, en := range st.entries[st.offset:end] {
		m := q.target.byImm[en.imm]
		if en.removed || m == nil || m.folder != folder {
			id := en.id
			if q.immutable {
				id = en.imm
			}
			vals = append(vals, map[string]any{"@odata.type": "#microsoft.graph.message", "id": id, "@removed": map[string]any{"reason": "deleted"}})
			continue
		}
		v, e := s.render(q, m, st.opts.sel)
		if e != nil {
			return e
		}
		v["@odata.type"] = "#microsoft.graph.message"
		vals = append(vals, v)
	}
	resp := map[string]any{"@odata.context": s.URL() + "/$metadata#Collection(message)", "value": vals}
	link := s.URL() + "/" + st.userSeg + "/mailFolders('" + q.target.folderID[folder] + "')/messages/delta?"
	if end < len(st.entries) {
		next := *st
		next.offset = end
		resp["@odata.nextLink"] = link + "$skiptoken=" + s.issueToken(&next)
	} else {
		next := *st
		next.entries, next.offset, next.isDelta = nil, 0, true
		resp["@odata.deltaLink"] = link + "$deltatoken=" + s.issueToken(&next)
	}
	writeJSONStatus(w, http.StatusOK, resp)
	return nil
}

// issueToken stores st under a new opaque token. Caller holds s.mu.
func (s *Server) issueToken(st *deltaState) string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	st.gen = len(s.deltas) + 1
	s.deltas[tok] = st
	return tok
}

// deltaEntries lists what a new round returns: every message in the
// folder for a first round, else the changes logged after
// the previous round's watermark. Caller holds s.mu.
func (s *Server) deltaEntries(u *user, folder string, prev *deltaState) []deltaEntry {
	o := prev.opts
	keep := func(m *message) bool { return o.since == nil || match(m, []term{*o.since}) }
	var out []deltaEntry
	if !prev.started {
		var ms []*message
		for _, m := range u.msgs {
			if m.folder == folder && keep(m) {
				ms = append(ms, m)
			}
		}
		if o.desc {
			slices.SortStableFunc(ms, func(a, b *message) int { return b.receivedAt().Compare(a.receivedAt()) })
		}
		for _, m := range ms {
			out = append(out, deltaEntry{imm: m.immutableID, id: m.id})
		}
		return out
	}
	seen := map[string]bool{}
	for _, c := range u.changes {
		if c.seq <= prev.watermark || c.folder != folder || seen[c.imm] {
			continue
		}
		seen[c.imm] = true
		m := u.byImm[c.imm]
		kind := "deleted"
		if m != nil && m.folder == folder {
			kind = "updated"
			if m.enteredSeq > prev.watermark {
				kind = "created"
			}
		} else if !presentAt(u, c.imm, folder, prev.watermark) {
			continue // came and went within the interval
		}
		if o.changeType != "" && o.changeType != kind {
			continue
		}
		if kind != "deleted" && !keep(m) {
			continue
		}
		out = append(out, deltaEntry{imm: c.imm, id: c.msgID, removed: kind == "deleted"})
	}
	return out
}

// presentAt reports whether the message with immutable id imm was in
// folder after change seq wm.
func presentAt(u *user, imm, folder string, wm uint64) bool {
	in := false
	for _, c := range u.changes {
		if c.seq > wm {
			break
		}
		if c.imm == imm && c.folder == folder {
			in = c.kind != "deleted"
		}
	}
	return in
}
