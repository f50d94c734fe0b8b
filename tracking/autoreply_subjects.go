package tracking

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
