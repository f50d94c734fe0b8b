package replytext

import (
	"reflect"
	"strings"
	"testing"
)

func TestExtract(t *testing.T) {
	tests := []struct {
		name  string
		parts []Part
		want  Reply
	}{
		{"plain preferred over html", []Part{
			{Type: "text/plain", Body: []byte("Yes.\n\nOn Mon, Jan 8, 2024 at 10:02 AM S <s@x.io> wrote:\n> q")},
			{Type: "text/html", Body: []byte("<p>Yes from html</p>")},
		}, Reply{Text: "Yes."}},
		{"html only", []Part{{Type: "text/html", Body: []byte("<p>Not now, <i>thanks</i>.</p>")}}, Reply{Text: "Not now, thanks."}},
		{"empty plain falls back to html", []Part{
			{Type: "text/plain", Body: []byte("\r\n")},
			{Type: "text/html", Body: []byte("<p>Sure</p>")},
		}, Reply{Text: "Sure"}},
		{"attachments", []Part{
			{Type: "text/plain", Body: []byte("CV attached.")},
			{Type: "application/pdf", Disposition: "attachment", Filename: "cv.pdf", Body: make([]byte, 1234)},
			{Type: "image/png", Disposition: "inline", ContentID: "<logo@x>", Params: map[string]string{"name": "logo.png"}, Body: make([]byte, 99)},
			{Type: "image/jpeg", Params: map[string]string{"name": "photo.jpg"}, Body: make([]byte, 10), Size: 5000},
			{Type: "text/plain", Disposition: "attachment", Filename: "notes.txt", Body: []byte("notes")},
		}, Reply{Text: "CV attached.", Attachments: []Attachment{
			{Name: "cv.pdf", Type: "application/pdf", Size: 1234},
			{Name: "photo.jpg", Type: "image/jpeg", Size: 5000},
			{Name: "notes.txt", Type: "text/plain", Size: 5},
		}}},
		{"flowed", []Part{{Type: "text/plain", Params: map[string]string{"format": "flowed"},
			Body: []byte("I would like to hear more about the role, \nplease send details.\n")}},
			Reply{Text: "I would like to hear more about the role, please send details."}},
		{"flowed delsp", []Part{{Type: "text/plain", Params: map[string]string{"format": "flowed", "delsp": "yes"},
			Body: []byte("日本語の \nテキスト\n")}}, Reply{Text: "日本語のテキスト"}},
		{"broken utf-8", []Part{{Type: "text/plain", Body: []byte("Oui, int\xe9ress\xe9.")}}, Reply{Text: "Oui, int\uFFFDress\uFFFD."}},
		{"nothing", nil, Reply{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Extract(tc.parts)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Extract = %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestExtract_bounds(t *testing.T) {
	long := strings.Repeat("All work and no play. ", 100000) // 2.2 MB of text
	got := Extract([]Part{{Type: "text/plain", Body: []byte(long)}})
	if len(got.Text) > maxText {
		t.Errorf("Extract of 2 MB: %d bytes of text; want at most %d", len(got.Text), maxText)
	}
	lines := strings.Repeat("x\n", 1<<20)
	if got := Extract([]Part{{Type: "text/plain", Body: []byte(lines)}}); len(got.Text) > maxText {
		t.Errorf("Extract of a million lines: %d bytes", len(got.Text))
	}
}
