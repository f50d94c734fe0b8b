package graph

import (
	"errors"
	"slices"
	"strings"

	"github.com/inboxkit/inboxkit/provider"
)

// defaultFolders are the folders read when Options.Folders is nil: the
// Inbox, where replies and out-of-office answers land, and Junk Email,
// where many bounces do.
func defaultFolders() []string { return []string{"inbox", "junkemail"} }

// folderLabel is the Incoming.Folder name of a folder: the display name of
// a well-known one, the folder's id otherwise.
func folderLabel(folder string) string {
	switch folder {
	case "inbox":
		return "Inbox"
	case "junkemail":
		return "Junk Email"
	}
	return folder
}

var (
	errBadFolder = errors.New("graph: not a mail folder name or id")
	errNoFolder  = errors.New("graph: no folder to read")
)

// checkFolders returns folders without repeats, defaultFolders for nil,
// or an ErrInvalid naming the bad entry.
func checkFolders(folders []string) ([]string, error) {
	invalid := func(field string, err error) error {
		return &provider.Error{Op: "new", Provider: provider.KindGraph, Code: provider.ErrInvalid, Field: field, Err: err}
	}
	if folders == nil {
		return defaultFolders(), nil
	}
	var out []string
	for i, f := range folders {
		if !validFolder(f) {
			return nil, invalid("Folders["+itoa(i)+"]", errBadFolder)
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, invalid("Folders", errNoFolder)
	}
	return out, nil
}

// validFolder accepts a well-known folder name or a folder id (base64url
// with padding), nothing that could break out of the resource path.
func validFolder(f string) bool {
	if f == "" || len(f) > 512 {
		return false
	}
	for _, r := range f {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_=+.", r)
		if !ok {
			return false
		}
	}
	return true
}
