// Package replytext finds the text the sender of a reply wrote: it takes
// a message's decoded MIME parts (transfer encoding undone, text in
// UTF-8), picks the plain text (or turns HTML into text with
// golang.org/x/net/html), removes the quoted history and the signature,
// and lists the attachments by name, type and size without their bytes.
//
// # Quoted history
//
// Cut at the first of: an attribution line "On … wrote:" and its forms in
// English, German, French, Spanish, Portuguese, Italian, Dutch, Swedish,
// Danish, Norwegian, Finnish, Polish, Russian, Japanese and Chinese (also
// split over two lines, and Gmail's verbless "date, name <address>:"); a
// header block of a quoted message (From:/Sent:/To:/Subject: as Outlook
// writes it, in the same languages); a dashed marker such as
// "-----Original Message-----" or "---------- Forwarded message
// ---------"; "Begin forwarded message:" and its translations. Lines
// quoted with ">" are removed wherever they are, so an answer written
// between quoted lines is kept. In HTML, the quote containers of Gmail,
// Outlook, Apple Mail, Thunderbird and Yahoo end the text.
//
// # Signature
//
// Cut at the RFC 3676 delimiter "-- "; at a mobile footer ("Sent from my
// iPhone", "Get Outlook for Android" and their translations); at a
// sign-off line ("Best regards", "Viele Grüße", "Cordialement" …) when
// only signature-like lines (a name, a title, a phone number, an
// address, a disclaimer) follow it; and a short trailing block that is
// only a name after a blank line.
//
// Every function is bounded in time and memory, never panics, and
// answers "" rather than an error for input it cannot use.
package replytext
