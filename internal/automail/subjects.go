package automail

// autoReplyPrefixes begin the subject of an automatic answer (compared
// lower-cased, after RFC 2047 decoding, at the start of the subject).
// Sources: the subjects Microsoft Exchange/Outlook, Gmail, Apple Mail,
// Zimbra, Open-Xchange, Dovecot/Sieve vacation and the big webmail
// providers use in each language.
var autoReplyPrefixes = [...]string{
	// English
	"automatic reply", "auto reply", "auto-reply", "autoreply", "auto response", "auto-response", "autoresponse",
	"auto:", "out of office", "out of the office", "ooo:", "ooo ", "away from my mail", "vacation reply",
	"on vacation", "i am out of the office", "i'm out of the office", "away until", "absence notice",
	// German
	"automatische antwort", "abwesenheitsnotiz", "abwesend", "abwesenheit", "automatische rückantwort", "autom. antwort",
	"urlaubsantwort", "nicht im büro",
	// French
	"réponse automatique", "reponse automatique", "absence du bureau", "absent du bureau", "absente du bureau",
	"message d'absence", "absence :", "absence:",
	// Spanish
	"respuesta automática", "respuesta automatica", "fuera de la oficina", "fuera de oficina", "ausente",
	// Italian
	"risposta automatica", "fuori ufficio", "fuori sede", "assente",
	// Portuguese
	"resposta automática", "resposta automatica", "ausência temporária", "fora do escritório", "ausente do escritório",
	// Dutch
	"automatisch antwoord", "automatisch bericht", "afwezig", "niet aanwezig", "buiten kantoor", "afwezigheidsmelding",
	// Swedish
	"autosvar", "automatiskt svar", "frånvarande", "frånvaro", "inte på kontoret",
	// Norwegian and Danish
	"automatisk svar", "fraværende", "fravær", "ikke på kontoret", "ikke til stede",
	// Polish
	"automatyczna odpowiedź", "automatyczna odpowiedz", "poza biurem", "nieobecność", "nieobecnosc", "odpowiedź automatyczna",
	// Czech
	"automatická odpověď", "automaticka odpoved", "mimo kancelář", "mimo kancelar", "nepřítomnost", "nepritomnost",
	"automatická odpoveď",
	// Japanese
	"自動応答", "自動返信", "不在通知", "不在のお知らせ", "不在", "休暇", "外出",
	// Chinese
	"自动回复", "自動回覆", "自動回復", "自动答复", "不在办公室", "休假", "外出",
}

// autoReplyInfixes appear inside the subject of an automatic answer
// (Microsoft puts "Automatic reply:" first, some systems append it).
var autoReplyInfixes = [...]string{
	"(auto-reply)", "(autoreply)", "[auto-reply]", "[autoreply]", "(out of office)", "[out of office]",
	"automatic reply:", "auto reply:", "autoreply:", "out of office:", "out of office reply", "out of office autoreply",
	"abwesenheitsnotiz:", "automatische antwort:", "réponse automatique :", "réponse automatique:",
	"respuesta automática:", "risposta automatica:", "resposta automática:", "automatisch antwoord:",
	"autosvar:", "automatisk svar:", "automatyczna odpowiedź:", "automatická odpověď:",
	"自動応答", "自動返信", "自动回复", "自動回覆",
}

// replyPrefixes are the reply and forward markers stripped when
// normalising a subject (compared lower-cased, each followed by ':').
var replyPrefixes = [...]string{
	"re", "aw", "sv", "vs", "ref", "rif", "r", "antw", "antwort", "odp", "res", "resp", "rv", "réf", "wg", "fw", "fwd",
	"tr", "enc", "doorst", "vs", "vl", "fs", "pd", "přeposlat", "odpověď", "回复", "答复", "转发", "回覆", "轉寄",
}

// bounceSubjects are lower-cased subject fragments of delivery-failure
// notices (Postfix, Exim, Sendmail, qmail, Exchange, Gmail, Yahoo,
// Domino, Courier and their translations).
var bounceSubjects = [...]string{
	"undeliver", "undelivered", "delivery status notification", "delivery failure", "delivery failed",
	"mail delivery failed", "returned mail", "failure notice", "delivery notification", "non remis", "nondeliverable",
	"non-deliverable", "could not be delivered", "couldn't be delivered", "delivery has failed", "mail system error",
	"unzustellbar", "nicht zustellbar", "permanent error", "mail failure", "delivery problem", "not delivered",
	"delivery report", "could not send message", "delayed mail", "delivery delayed", "delivery delay",
	"address not found", "unable to deliver", "failed delivery", "returned to sender", "message status",
	"mail could not be delivered", "non recapitabile", "no entregado", "não entregue", "onbestelbaar",
	"delivery notice", "error sending message", "message delivery", "mail returned", "bounce", "warning: message",
	"rejected", "nondelivery", "non-delivery", "delivery error", "failed mail", "undelivered mail",
	"notification d'état de la distribution", "fehlgeschlagen", "se ha devuelto", "failure delivery",
	"メールエラー", "エラー通知", "配信エラー", "配送エラー", "不達", "送信できません", "未送達", "退信", "投递失败", "無法傳遞",
}

// daemonSenders are local parts and display names of bounce senders.
var daemonSenders = [...]string{
	"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "maildaemon", "mail delivery", "mailer daemon",
	"mail administrator", "mdaemon", "mail system", "bounce", "mailmaster", "mmdf", "smtp gateway", "post_master",
}

// candidateHints are further lower-case subject fragments that may mark a
// bounce, a complaint or an auto-reply. Only MayBeAutomatic uses them:
// there a false positive costs one download, while a miss loses a reply.
var candidateHints = [...]string{
	"delivery status", "kan inte levereras", "no se puede entregar", "non distribuable", "nicht zugestellt",
	"abuse report", "complaint", "vacation", "absence", "absent", "away from", "automatisch", "nieobecn", "nepřítomn",
}
