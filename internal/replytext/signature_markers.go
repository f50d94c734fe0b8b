package replytext

// mobileFooters start the line a phone or webmail app appends
// ("Sent from my iPhone"), lower-cased; the line must be short.
var mobileFooters = [...]string{
	"sent from my ", "sent from outlook", "sent from yahoo mail", "sent from mail for windows", "sent from gmail",
	"sent from samsung", "sent from the all new aol", "sent from aol", "sent via ", "sent with proton", "sent with protonmail",
	"sent using ", "sent from proton", "get outlook for ", "sent from blackberry", "sent from my blackberry",
	"von meinem iphone gesendet", "von meinem ipad gesendet", "von meinem ", "gesendet von meinem", "gesendet von ",
	"gesendet mit ", "envoyé de mon ", "envoyé depuis mon ", "envoyé à partir de ", "envoyé de ", "obtenir outlook pour",
	"enviado desde mi ", "enviado desde ", "enviado do meu ", "enviado de meu ", "enviado do ", "obtener outlook para",
	"inviato da ", "inviato dal mio ", "scarica outlook per", "verzonden vanaf mijn ", "verzonden met ",
	"verstuurd vanaf mijn ", "verzonden vanaf ", "outlook voor ios", "skickat från min ", "skickat från ",
	"hämta outlook för", "sendt fra min ", "sendt fra ", "få outlook til", "lähetetty iphonesta", "lähetetty ",
	"wysłane z mojego ", "wysłane z ", "pobierz outlook dla", "отправлено с iphone", "отправлено с ",
	"iphoneから送信", "ipadから送信", "androidから送信", "发自我的", "从我的iphone发送", "從我的 iphone 傳送",
	"從我的iphone傳送", "发自 ", "sent from my android", "sent from my galaxy", "sent from my huawei",
}

// signOffs are lines that close a message ("Best regards,"), compared
// lower-cased without trailing punctuation.
var signOffs = [...]string{
	// English
	"best", "best regards", "best wishes", "all the best", "regards", "kind regards", "warm regards", "warmest regards",
	"many thanks", "thanks", "thank you", "thanks again", "thanks so much", "thank you so much", "cheers", "sincerely",
	"yours sincerely", "yours truly", "yours faithfully", "respectfully", "talk soon", "speak soon", "take care", "br",
	"thx", "ty", "thanks in advance", "with thanks", "with best regards", "with kind regards", "rgds", "kr",
	// German
	"viele grüße", "viele grüsse", "beste grüße", "beste grüsse", "liebe grüße", "liebe grüsse", "herzliche grüße",
	"freundliche grüße", "mit freundlichen grüßen", "mit freundlichen grüssen", "mfg", "lg", "vg", "gruß", "grüße",
	"schöne grüße", "danke", "vielen dank", "besten dank", "beste grüße aus berlin", "bis bald",
	// French
	"cordialement", "bien cordialement", "bien à vous", "bien a vous", "merci", "merci beaucoup", "bonne journée",
	"bonne journee", "à bientôt", "salutations", "sincères salutations", "amicalement", "bien à toi", "belle journée",
	// Spanish
	"saludos", "un saludo", "saludos cordiales", "atentamente", "gracias", "muchas gracias", "un abrazo", "abrazos",
	// Portuguese
	"atenciosamente", "abraços", "abraço", "abs", "obrigado", "obrigada", "cumprimentos", "att", "grato", "grata",
	// Italian
	"cordiali saluti", "saluti", "un saluto", "distinti saluti", "grazie", "grazie mille", "buona giornata",
	// Dutch
	"met vriendelijke groet", "met vriendelijke groeten", "vriendelijke groet", "groeten", "groet", "mvg", "hartelijke groet",
	"bedankt", "dank je", "dank u",
	// Swedish, Danish, Norwegian
	"med vänliga hälsningar", "vänliga hälsningar", "hälsningar", "mvh", "vh", "tack", "med venlig hilsen",
	"venlig hilsen", "hilsen", "med vennlig hilsen", "vennlig hilsen", "takk", "tak",
	// Finnish
	"ystävällisin terveisin", "terveisin", "kiitos",
	// Polish
	"pozdrawiam", "z poważaniem", "z wyrazami szacunku", "serdecznie pozdrawiam", "pozdrawiam serdecznie", "dziękuję",
	"pozdrowienia",
	// Russian
	"с уважением", "спасибо", "всего доброго", "с наилучшими пожеланиями",
	// Japanese, Chinese
	"よろしくお願いします", "よろしくお願いいたします", "以上", "以上、よろしくお願いいたします", "此致", "谢谢", "祝好", "顺祝商祺",
}

// disclaimerWords mark the legal footer some companies add.
var disclaimerWords = [...]string{
	"confidential", "intended recipient", "intended solely", "privileged", "disclaimer", "unauthorized",
	"vertraulich", "bestimmt", "confidentiel", "destinataire", "confidencial", "destinatario", "riservat",
	"vertrouwelijk", "konfidentiell", "poufn", "конфиденц", "機密", "保密", "think before you print",
	"please consider the environment", "registered office", "registered in", "handelsregister", "geschäftsführer",
	"amtsgericht", "ust-id", "vat no", "company number",
}
