package tracking

import "strings"

// absencePhrases say the writer is away (lower-cased).
var absencePhrases = [...]string{
	// English
	"i am currently out of the office", "i am out of the office", "i'm out of the office", "i am currently out of office",
	"i'm currently out of the office", "i am currently away", "i am away from the office", "i'm away from the office",
	"out of the office until", "out of office until", "i am on vacation", "i'm on vacation", "i am on holiday",
	"i'm on holiday", "i am on annual leave", "i'm on annual leave", "i am on leave", "i'm on leave",
	"i am currently on leave", "on parental leave", "on maternity leave", "on paternity leave", "on sick leave",
	"away from my desk", "away from the office", "i am travelling", "i am traveling", "currently travelling",
	"currently traveling", "no longer checking this",
	// Polish
	"jestem na urlopie", "przebywam na urlopie", "jestem poza biurem", "przebywam poza biurem", "jestem nieobecn",
	"jestem obecnie nieobecn", "będę nieobecn", "jestem na zwolnieniu", "jestem w delegacji", "przebywam w delegacji",
	"jestem na urlopie macierzyńskim", "jestem na urlopie rodzicielskim",
	// German, French, Spanish, Italian, Portuguese, Dutch, Swedish
	"ich bin nicht im büro", "ich bin außer haus", "ich bin im urlaub", "ich bin abwesend", "bin derzeit nicht im büro",
	"je suis absent", "je suis absente", "je suis en congé", "je suis en vacances", "actuellement absent",
	"estoy fuera de la oficina", "estoy de vacaciones", "me encuentro fuera de la oficina", "estoy ausente",
	"sono fuori ufficio", "sono in ferie", "sono assente", "estou fora do escritório", "estou de férias",
	"estou ausente", "ik ben afwezig", "ik ben met vakantie", "ik ben niet op kantoor", "jag är på semester",
	"jag är ledig", "jag är inte på kontoret", "jag är tjänstledig",
}

// returnPhrases say when the writer is back or whom to ask meanwhile:
// the other half of an out-of-office notice.
var returnPhrases = [...]string{
	"back on", "be back", "will return", "return on", "returning on", "upon my return", "when i return", "on my return",
	"after my return", "limited access", "no access to", "will respond", "will reply", "will get back to you",
	"urgent", "in my absence", "will be read", "not be monitored", "delayed response",
	"wracam", "powrócę", "po powrocie", "powrotu", "ograniczonym dostępem", "ograniczony dostęp", "pilnych sprawach",
	"w pilnych", "odpowiem", "do dnia", "zastępstwo",
	"zurück", "dringend", "eingeschränkt", "nach meiner rückkehr", "vertretung", "de retour", "urgence", "à mon retour",
	"accès limité", "regreso", "urgente", "a mi regreso", "acceso limitado", "rientro", "urgenti", "al mio rientro",
	"retorno", "acesso limitado", "terug", "dringende", "beperkt", "tillbaka", "brådskande", "begränsad",
}

// isAutoReplyBody recognises an out-of-office notice sent without any
// auto-reply header or subject: its new text (quotes removed) is short,
// says the writer is away in its first lines, and says when they are
// back or whom to ask. A person who mentions being away while answering
// ("I'm out of the office this week, but yes, let's talk") writes no
// such second half and stays a reply.
func isAutoReplyBody(newText string) bool {
	if newText == "" || len(newText) > 1500 {
		return false
	}
	body := strings.ToLower(strings.ReplaceAll(newText, "\n", " "))
	head := body
	if len(head) > 600 {
		head = head[:600]
	}
	return containsAny(head, absencePhrases[:]) && containsAny(body, returnPhrases[:])
}

func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
