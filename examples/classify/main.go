// Command classify classifies mail files as replies, auto-replies,
// bounces, complaints or unrelated mail with tracking.Classify.
//
//	go run ./examples/classify [--sent SENT.jsonl] FILE_OR_DIR...
//
// It prints one JSON object per file, one per line, omitting empty
// fields. For a reply and an auto-reply, "text" is the new text its
// sender wrote (quoted history and signature removed); for a reply,
// "intent" is what the sender asks for (interested, question, later,
// not_interested, wrong_person, unsubscribe or other) and "referral" the
// address a wrong_person reply points to. "challenge" marks a
// challenge-response auto-reply ("verify you are human"). A directory means every file under it. --sent loads the sent
// mail to match against from JSON lines
// {"message_id":…,"thread_id":…,"account":…,"recipients":[…],"subject":…};
// without it only what a message itself says can be known. A file that
// cannot be read or classified prints {"file":…,"error":…} and the run
// goes on.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/inboxkit/inboxkit/tracking"
)

// line is one output object.
type line struct {
	File             string      `json:"file"`
	Error            string      `json:"error,omitempty"`
	Kind             string      `json:"kind,omitempty"`
	Action           string      `json:"action,omitempty"`
	Reason           string      `json:"reason,omitempty"`
	Status           string      `json:"status,omitempty"`
	Hard             bool        `json:"hard,omitempty"`
	Recipient        string      `json:"recipient,omitempty"`
	Recipients       []recipient `json:"recipients,omitempty"`
	MatchedBy        string      `json:"matched_by,omitempty"`
	MatchedMessageID string      `json:"matched_message_id,omitempty"`
	Text             string      `json:"text,omitempty"`
	Intent           string      `json:"intent,omitempty"`
	Referral         string      `json:"referral,omitempty"`
	Challenge        bool        `json:"challenge,omitempty"`
}

type recipient struct {
	Address string `json:"address"`
	Status  string `json:"status,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Hard    bool   `json:"hard,omitempty"`
}

// maxFile bounds how much of one file is read.
const maxFile = 32 << 20

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "classify:", err)
		os.Exit(2)
	}
}

// run is the whole program minus process exit, for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("classify", flag.ContinueOnError)
	fl.SetOutput(stderr)
	sent := fl.String("sent", "", "JSON-lines file of sent messages to match against")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: classify [--sent SENT.jsonl] FILE_OR_DIR...")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() == 0 {
		fl.Usage()
		return errors.New("no files given")
	}
	var idx *tracking.MemoryIndex
	if *sent != "" {
		f, err := os.Open(*sent)
		if err != nil {
			return err
		}
		idx = tracking.NewMemoryIndex(0)
		_, err = tracking.LoadSent(f, idx)
		f.Close()
		if err != nil {
			return err
		}
	}
	enc := json.NewEncoder(stdout)
	for _, arg := range fl.Args() {
		err := filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return enc.Encode(line{File: path, Error: err.Error()})
			}
			if d.IsDir() {
				return nil
			}
			return enc.Encode(classifyFile(ctx, path, idx))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func classifyFile(ctx context.Context, path string, idx *tracking.MemoryIndex) line {
	out := line{File: path}
	f, err := os.Open(path)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxFile))
	if err != nil {
		out.Error = err.Error()
		return out
	}
	var res tracking.Result
	if idx != nil {
		res, err = tracking.Classify(ctx, raw, idx)
	} else {
		res, err = tracking.Classify(ctx, raw, nil)
	}
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.Kind, out.Action, out.Reason, out.Status, out.Hard = string(res.Class), string(res.Action), res.Reason, res.Status, res.Hard
	out.Recipient = res.Recipient()
	for _, r := range res.Recipients {
		out.Recipients = append(out.Recipients, recipient{Address: r.Address, Status: r.Status, Reason: r.Reason, Hard: r.Hard})
	}
	out.MatchedBy = string(res.MatchedBy)
	out.Text, out.Intent, out.Referral, out.Challenge = res.Text, string(res.Intent), res.Referral, res.Challenge
	if res.Record != nil {
		out.MatchedMessageID = res.Record.MessageID
	}
	return out
}
