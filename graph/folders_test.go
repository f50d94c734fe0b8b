package graph_test

import (
	"context"
	"errors"
	"testing"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
)

func TestNew_invalidFolders(t *testing.T) {
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})
	tests := []struct {
		name, field string
		folders     []string
	}{
		{"folder injection", "Folders[1]", []string{"inbox", "x')/messages?"}},
		{"no folders", "Folders", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := graph.New(context.Background(), ts, &graph.Options{Email: account, Folders: tc.folders})
			var pe *provider.Error
			if !errors.Is(err, provider.ErrInvalid) || !errors.As(err, &pe) || pe.Field != tc.field {
				t.Errorf("New = %v; want ErrInvalid for %s", err, tc.field)
			}
		})
	}
}

// TestFetch_foldersOption: Fetch reads the folders of Options.Folders and
// nothing else, with one delta request per folder on an idle poll.
func TestFetch_foldersOption(t *testing.T) {
	srv := startFake(t)
	p := newProvider(t, srv, nil, &graph.Options{Folders: []string{"inbox", "inbox"}})
	idx, m, sent := sendAndIndex(t, p, "Folders")
	_, cur := fetchIDs(t, p, "", idx)
	deliver(t, srv, "junkemail", providertest.Reply("bob@prospect.example", account, m.Subject, sent.MessageID))
	before := srv.Stats().Requests
	ids, _ := fetchIDs(t, p, cur.Cursor, idx)
	if len(ids) != 0 {
		t.Errorf("Fetch returned %v from a folder it was not given", ids)
	}
	if got, want := srv.Stats().Requests-before, 1; got != want {
		t.Errorf("idle poll of one folder made %d requests; want %d", got, want)
	}
	deliver(t, srv, "inbox", providertest.Reply("bob@prospect.example", account, m.Subject, sent.MessageID))
	if ids, _ := fetchIDs(t, p, cur.Cursor, idx); len(ids) != 1 {
		t.Errorf("Fetch of inbox = %v; want the one reply", ids)
	}
}
