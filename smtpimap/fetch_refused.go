package smtpimap

import (
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

type imapFetched = imapclient.FetchMessageBuffer

// fetchEach runs one UID FETCH of set and calls each for every message,
// until each asks to stop. When the server answers the FETCH with NO (some
// message in the set cannot be read or converted), it fetches the
// messages it has not yet seen one by one, pipelined, and calls refused
// for each that the server still refuses, so one bad message never stalls
// the folder. A NO with a transient code (UNAVAILABLE, INUSE, LIMIT), a
// BAD, a broken connection, and a refusal of every one of several
// messages (more likely the server than the messages) fail instead.
func (s *imapSession) fetchEach(set imap.UIDSet, opts *imap.FetchOptions, each func(*imapFetched) (stop bool, err error), refused func(uid imap.UID, reason string)) error {
	seen := make(map[imap.UID]bool)
	stopped, err := s.fetchRun(s.c.Fetch(set, opts), each, seen)
	if stopped || err == nil {
		return err
	}
	var ee eachError
	if errors.As(err, &ee) {
		return ee.err
	}
	if _, ok := refusal(err); !ok {
		return wrap("fetch", err)
	}
	uids, ok := set.Nums()
	if !ok {
		data, err := s.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
		if err != nil {
			return wrap("search", err)
		}
		uids = data.AllUIDs()
	}
	var rest []imap.UID
	for _, uid := range uids {
		if !seen[uid] {
			rest = append(rest, uid)
		}
	}
	cmds := make([]*imapclient.FetchCommand, len(rest))
	for i, uid := range rest {
		cmds[i] = s.c.Fetch(imap.UIDSetNum(uid), opts)
	}
	var refusals []string
	var refusedUIDs []imap.UID
	for i, cmd := range cmds {
		if stopped {
			_ = cmd.Close()
			continue
		}
		stopped, err = s.fetchRun(cmd, each, seen)
		if err == nil {
			continue
		}
		if errors.As(err, &ee) {
			closeAll(cmds[i+1:])
			return ee.err
		}
		reason, ok := refusal(err)
		if !ok {
			closeAll(cmds[i+1:])
			return wrap("fetch", err)
		}
		refusals = append(refusals, reason)
		refusedUIDs = append(refusedUIDs, rest[i])
		if len(refusals) == len(rest) && len(rest) > 1 {
			return wrap("fetch", fmt.Errorf("the server refused every one of %d messages: %w", len(rest), err))
		}
	}
	for i, uid := range refusedUIDs {
		refused(uid, refusals[i])
	}
	return nil
}

// eachError carries an error of fetchEach's each function (a SentIndex
// look-up) through unchanged.
type eachError struct{ err error }

func (e eachError) Error() string { return e.err.Error() }

// fetchRun reads cmd's messages into each and marks them in seen.
func (s *imapSession) fetchRun(cmd *imapclient.FetchCommand, each func(*imapFetched) (bool, error), seen map[imap.UID]bool) (stopped bool, err error) {
	for {
		m := cmd.Next()
		if m == nil {
			break
		}
		buf, err := m.Collect()
		if err != nil {
			_ = cmd.Close()
			return false, wrap("fetch", err)
		}
		seen[buf.UID] = true
		stop, err := each(buf)
		if err != nil {
			_ = cmd.Close()
			return false, eachError{err}
		}
		if stop {
			_ = cmd.Close()
			return true, nil
		}
	}
	return false, cmd.Close()
}

func closeAll(cmds []*imapclient.FetchCommand) {
	for _, c := range cmds {
		_ = c.Close()
	}
}

// refusal reports whether err is the server refusing the FETCH (a NO
// without a transient code) and the reason to report.
func refusal(err error) (string, bool) {
	var ie *imap.Error
	if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo {
		return "", false
	}
	switch ie.Code {
	case imap.ResponseCodeUnavailable, imap.ResponseCodeInUse, imap.ResponseCodeLimit:
		return "", false
	}
	return "the server refused to hand it over: " + ie.Text, true
}
