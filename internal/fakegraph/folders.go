package fakegraph

import "net/http"

// getMailFolder serves GET /me/mailFolders/{f} (a well-known name or a
// folder id): the folder's id, displayName and counts.
func (s *Server) getMailFolder(w http.ResponseWriter, q *req) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := q.target.resolveFolder(q.folder)
	if !ok {
		return newError(400, "ErrorInvalidIdMalformed", msgIDMalformed)
	}
	total, unread := 0, 0
	for _, m := range q.target.msgs {
		if m.folder == name {
			total++
			if !m.isRead {
				unread++
			}
		}
	}
	display := name
	for _, f := range wellKnown {
		if f.name == name {
			display = f.display
		}
	}
	writeJSONStatus(w, http.StatusOK, map[string]any{
		"@odata.context":   s.URL() + "/$metadata#users('" + q.target.id + "')/mailFolders/$entity",
		"id":               q.target.folderID[name],
		"displayName":      display,
		"parentFolderId":   folderIDFor(q.target.index, 0),
		"childFolderCount": 0,
		"unreadItemCount":  unread,
		"totalItemCount":   total,
		"isHidden":         false,
	})
	return nil
}
