package replytext

import "strings"

// isAttachment reports whether p is an attached file rather than the
// body: a part marked "attachment", or any part that is neither text nor
// a report and carries a name. An inline image with a Content-ID (a logo
// in a signature, a pasted picture) is part of the body, not a file the
// sender attached.
func isAttachment(p *Part) bool {
	if p.Disposition == "attachment" {
		return true
	}
	name := p.Filename != "" || p.Params["name"] != ""
	if p.Type == "text/plain" || p.Type == "text/html" {
		return p.Filename != "" // a body part has no file name
	}
	if strings.HasPrefix(p.Type, "multipart/") || strings.HasPrefix(p.Type, "message/") {
		return false
	}
	if p.Disposition == "inline" && p.ContentID != "" {
		return false
	}
	return name || p.Disposition == "inline"
}

func attachmentOf(p *Part) Attachment {
	a := Attachment{Name: p.Filename, Type: p.Type, Size: p.Size}
	if a.Name == "" {
		a.Name = p.Params["name"]
	}
	if a.Size < len(p.Body) {
		a.Size = len(p.Body)
	}
	a.Name = validUTF8(strings.TrimSpace(a.Name))
	if len(a.Name) > 255 {
		a.Name = a.Name[:255]
		a.Name = strings.ToValidUTF8(a.Name, "")
	}
	return a
}
