package replytext

// attributionEnds end the line a mail client writes above a quoted
// message ("On Mon, 1 Jan 2024, Anna <a@x> wrote:"), lower-cased,
// without the final colon. Sources: the reply headers of Gmail, Outlook,
// Apple Mail and Thunderbird in each language.
var attributionEnds = [...]string{
	"wrote", "writes", "schrieb", "schrieben", "a écrit", "a ecrit", "escribió", "escribio", "escreveu", "ha scritto",
	"schreef", "heeft geschreven", "skrev", "skrev følgende", "kirjoitti", "napisał(a)", "napisał", "napisała",
	"napisal(a)", "написал(а)", "написал", "написала", "пишет", "写道", "寫道", "書きました", "のメッセージ",
	"wrote the following", "sent", "napsal(a)", "napsal", "írta", "scrisse", "έγραψε", "yazdı", "kirjutas",
}

// attributionStarts begin the attribution line in the languages whose
// form starts with a fixed word; a line that ends in an attribution end
// needs one of them, or a date, or an address, to count.
var attributionStarts = [...]string{
	"on ", "am ", "le ", "el ", "em ", "il ", "op ", "den ", "d. ", "w dniu ", "dnia ", "в ", "le ", "el día",
}

// headerLabels are the labels of the header block Outlook (and others)
// write above a quoted or forwarded message, lower-cased with their
// colon; a block needs "from" and one more.
var fromLabels = [...]string{
	"from:", "von:", "de :", "de:", "da:", "van:", "från:", "fra:", "lähettäjä:", "od:", "от:", "差出人:", "发件人:",
	"寄件者:", "寄件人:", "remitente:", "mittente:", "afzender:", "avsändare:", "afsender:", "nadawca:", "отправитель:",
	"從:", "发件人：", "差出人：", "寄件者：",
}

var otherLabels = [...]string{
	"sent:", "date:", "to:", "subject:", "cc:", "gesendet:", "datum:", "an:", "betreff:", "envoyé :", "envoyé:",
	"date :", "à :", "à:", "objet :", "objet:", "cc :", "enviado:", "enviado el:", "fecha:", "para:", "asunto:",
	"enviada em:", "enviado em:", "assunto:", "data:", "inviato:", "a:", "oggetto:", "verzonden:", "aan:",
	"onderwerp:", "skickat:", "till:", "ämne:", "sendt:", "til:", "emne:", "lähetetty:", "vastaanottaja:", "aihe:",
	"wysłano:", "wysłane:", "do:", "temat:", "отправлено:", "дата:", "кому:", "тема:", "копия:", "送信日時:",
	"宛先:", "件名:", "日付:", "发送时间:", "收件人:", "主题:", "日期:", "傳送時間:", "收件者:", "主旨:", "抄送:",
	"送信日時：", "宛先：", "件名：", "发送时间：", "收件人：", "主题：", "日期：", "sendt den:", "päivämäärä:",
}

// forwardMarkers start a forwarded message (lower-cased, whole line or
// its start).
var forwardMarkers = [...]string{
	"begin forwarded message:", "anfang der weitergeleiteten nachricht:", "début du message réexpédié :",
	"début du message transféré :", "inicio del mensaje reenviado:", "início da mensagem reencaminhada:",
	"inizio messaggio inoltrato:", "begin doorgestuurd bericht:", "vidarebefordrat mejl:", "videresendt besked:",
	"videresendt melding:", "välitetty viesti:", "początek przekazanej wiadomości:", "начало переадресованного сообщения:",
	"転送されたメッセージ:", "转发的邮件：", "轉寄的郵件：", "forwarded message", "original message",
}

// attributionInfixes are the attribution forms that end in the date.
var attributionInfixes = [...]string{
	" wrote on ", " schrieb am ", " a écrit le ", " escribió el ", " escreveu em ", " ha scritto il ",
	" schreef op ", " skrev den ", " napisał w dniu ", " napisał dnia ",
}
