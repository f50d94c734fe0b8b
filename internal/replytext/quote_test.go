package replytext

import "testing"

func TestNewText_quotes(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"en gmail", "Sounds good, Tuesday works.\n\nOn Mon, Jan 8, 2024 at 10:02 AM Sarah Lee <sarah@recruit.io> wrote:\n> Hi Tom,\n> interested in a chat?\n", "Sounds good, Tuesday works."},
		{"en gmail two lines", "Yes please.\n\nOn Mon, Jan 8, 2024 at 10:02 AM Sarah Lee-Hernandez from Recruiting <\nsarah.lee-hernandez@recruit.io> wrote:\n\n> Interested?\n", "Yes please."},
		{"en apple", "Not now.\n\n> On 8 Jan 2024, at 10:02, Sarah Lee <sarah@recruit.io> wrote:\n> \n> Interested?\n", "Not now."},
		{"de", "Gerne.\n\nAm 08.01.2024 um 10:02 schrieb Sarah Lee <sarah@recruit.io>:\n> Interesse?\n", "Gerne."},
		{"de gmail", "Ja.\n\nAm Mo., 8. Jan. 2024 um 10:02 Uhr schrieb Sarah Lee <sarah@recruit.io>:\n\n> Interesse?\n", "Ja."},
		{"fr", "Oui.\n\nLe lun. 8 janv. 2024 à 10:02, Sarah Lee <sarah@recruit.io> a écrit :\n> Intéressé ?\n", "Oui."},
		{"es", "Sí.\n\nEl lun, 8 ene 2024 a las 10:02, Sarah Lee (<sarah@recruit.io>) escribió:\n> ¿Interesado?\n", "Sí."},
		{"pt", "Sim.\n\nEm seg., 8 de jan. de 2024 às 10:02, Sarah Lee <sarah@recruit.io> escreveu:\n> Interessado?\n", "Sim."},
		{"it", "Sì.\n\nIl giorno lun 8 gen 2024 alle ore 10:02 Sarah Lee <sarah@recruit.io> ha scritto:\n> Interessato?\n", "Sì."},
		{"nl", "Ja.\n\nOp ma 8 jan. 2024 om 10:02 schreef Sarah Lee <sarah@recruit.io>:\n> Interesse?\n", "Ja."},
		{"sv", "Ja.\n\nDen mån 8 jan. 2024 kl 10:02 skrev Sarah Lee <sarah@recruit.io>:\n> Intresserad?\n", "Ja."},
		{"da", "Ja tak.\n\nDen man. 8. jan. 2024 kl. 10.02 skrev Sarah Lee <sarah@recruit.io>:\n> Interesseret?\n", "Ja tak."},
		{"no", "Ja.\n\nman. 8. jan. 2024 kl. 10:02 skrev Sarah Lee <sarah@recruit.io>:\n> Interessert?\n", "Ja."},
		{"fi", "Kyllä.\n\nma 8. tammik. 2024 klo 10.02 Sarah Lee (sarah@recruit.io) kirjoitti:\n> Kiinnostaako?\n", "Kyllä."},
		{"pl", "Tak.\n\nW dniu pon., 8.01.2024 o 10:02 Sarah Lee <sarah@recruit.io> napisał(a):\n> Zainteresowany?\n", "Tak."},
		{"ru", "Да.\n\nпн, 8 янв. 2024 г. в 10:02, Sarah Lee <sarah@recruit.io>:\n> Интересно?\n", "Да."},
		{"ru verb", "Да.\n\n8 января 2024 г., в 10:02, Сара написала:\n> Интересно?\n", "Да."},
		{"ja gmail", "はい、ぜひ。\n\n2024年1月8日(月) 10:02 Sarah Lee <sarah@recruit.io>:\n> ご興味ありますか？\n", "はい、ぜひ。"},
		{"zh gmail", "好的。\n\nSarah Lee <sarah@recruit.io> 于2024年1月8日周一 10:02写道：\n> 有兴趣吗？\n", "好的。"},
		{"zh-tw", "好。\n\nSarah Lee <sarah@recruit.io> 於 2024年1月8日 週一 上午10:02寫道：\n> 有興趣嗎？\n", "好。"},
		{"outlook en", "Please contact our HR team.\n\n________________________________\nFrom: Sarah Lee <sarah@recruit.io>\nSent: Monday, January 8, 2024 10:02 AM\nTo: Tom <tom@acme.com>\nSubject: Quick question\n\nHi Tom, interested?\n", "Please contact our HR team."},
		{"outlook bold", "Not interested.\n\n*From:* Sarah Lee <sarah@recruit.io>\n*Sent:* Monday, January 8, 2024 10:02 AM\n*To:* Tom\n*Subject:* Quick question\n\nInterested?\n", "Not interested."},
		{"outlook de", "Kein Interesse.\n\nVon: Sarah Lee <sarah@recruit.io>\nGesendet: Montag, 8. Januar 2024 10:02\nAn: Tom\nBetreff: Kurze Frage\n\nInteresse?\n", "Kein Interesse."},
		{"outlook fr", "Non merci.\n\nDe : Sarah Lee <sarah@recruit.io>\nEnvoyé : lundi 8 janvier 2024 10:02\nÀ : Tom\nObjet : Question\n", "Non merci."},
		{"outlook es", "No, gracias.\n\nDe: Sarah Lee <sarah@recruit.io>\nEnviado el: lunes, 8 de enero de 2024 10:02\nPara: Tom\nAsunto: Pregunta\n", "No, gracias."},
		{"outlook it", "No grazie.\n\nDa: Sarah Lee <sarah@recruit.io>\nInviato: lunedì 8 gennaio 2024 10:02\nA: Tom\nOggetto: Domanda\n", "No grazie."},
		{"outlook nl", "Nee.\n\nVan: Sarah Lee <sarah@recruit.io>\nVerzonden: maandag 8 januari 2024 10:02\nAan: Tom\nOnderwerp: Vraag\n", "Nee."},
		{"outlook sv", "Nej.\n\nFrån: Sarah Lee <sarah@recruit.io>\nSkickat: den 8 januari 2024 10:02\nTill: Tom\nÄmne: Fråga\n", "Nej."},
		{"outlook pl", "Nie.\n\nOd: Sarah Lee <sarah@recruit.io>\nWysłano: poniedziałek, 8 stycznia 2024 10:02\nDo: Tom\nTemat: Pytanie\n", "Nie."},
		{"outlook ru", "Нет.\n\nОт: Sarah Lee <sarah@recruit.io>\nОтправлено: 8 января 2024 г. 10:02\nКому: Tom\nТема: Вопрос\n", "Нет."},
		{"outlook ja", "結構です。\n\n差出人: Sarah Lee <sarah@recruit.io>\n送信日時: 2024年1月8日 10:02\n宛先: Tom\n件名: ご質問\n", "結構です。"},
		{"outlook zh", "不用了。\n\n发件人: Sarah Lee <sarah@recruit.io>\n发送时间: 2024年1月8日 10:02\n收件人: Tom\n主题: 问题\n", "不用了。"},
		{"original message", "Call me.\n\n-----Original Message-----\nFrom: Sarah\nInterested?\n", "Call me."},
		{"original message de", "Rufen Sie an.\n\n-----Ursprüngliche Nachricht-----\nVon: Sarah\n", "Rufen Sie an."},
		{"original message fr", "Appelez-moi.\n\n-------- Message d'origine --------\nDe : Sarah\n", "Appelez-moi."},
		{"gmail forward", "Forwarding to the right person.\n\n---------- Forwarded message ---------\nFrom: Sarah <sarah@recruit.io>\nDate: Mon, Jan 8, 2024\nSubject: Role\n", "Forwarding to the right person."},
		{"apple forward", "See below.\n\nBegin forwarded message:\n\nFrom: Sarah <sarah@recruit.io>\n", "See below."},
		{"interleaved", "> What's your availability?\nTuesday at 3.\n> Are you open to remote?\nYes.\n", "Tuesday at 3.\nYes."},
		{"only quote", "On Mon, Jan 8, 2024 at 10:02 AM Sarah <sarah@recruit.io> wrote:\n> Interested?\n", ""},
		{"own wrote sentence kept", "Here is what my manager wrote:\nwe can't move forward this year.", "Here is what my manager wrote:\nwe can't move forward this year."},
		{"empty", "", ""},
		{"lotus", "Agreed.\n\nSarah Lee <sarah@recruit.io> wrote on 08/01/2024 10:02:\n\nInterested?\n", "Agreed."},
		{"bottom-posted", "On Mon, Jan 8, 2024 at 10:02 AM Sarah <sarah@recruit.io> wrote:\n> Interested in a chat?\n\nYes, Tuesday works.\n", "Yes, Tuesday works."},
		{"bottom-posted wrapped", "On Mon, Jan 8, 2024 at 10:02 AM Sarah Lee-Hernandez from Recruiting <\nsarah@recruit.io> wrote:\n> Interested?\nSure.\n", "Sure."},
		{"crlf", "Yes.\r\n\r\nOn Mon, Jan 8, 2024 at 10:02 AM Sarah <sarah@recruit.io> wrote:\r\n> x\r\n", "Yes."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NewText(tc.in); got != tc.want {
				t.Errorf("NewText(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNewText_signatures(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"dash dash", "Sure, call me.\n\n-- \nTom Baker\nAcme Inc.", "Sure, call me."},
		{"iphone", "Yes, Tuesday works.\n\nSent from my iPhone", "Yes, Tuesday works."},
		{"outlook mobile", "Not now.\n\nGet Outlook for Android", "Not now."},
		{"iphone de", "Gerne.\n\nVon meinem iPhone gesendet", "Gerne."},
		{"iphone fr", "Oui.\n\nEnvoyé de mon iPhone", "Oui."},
		{"iphone es", "Sí.\n\nEnviado desde mi iPhone", "Sí."},
		{"iphone pl", "Tak.\n\nWysłane z mojego iPhone'a", "Tak."},
		{"iphone ja", "はい。\n\niPhoneから送信", "はい。"},
		{"footer only", "Sent from my iPhone", ""},
		{"sign-off block", "Happy to chat, Thursday afternoon works.\n\nBest regards,\nTom Baker\nSenior Engineer | Acme Inc.\nM: +1 (555) 013-4567\nwww.acme.com", "Happy to chat, Thursday afternoon works."},
		{"sign-off with disclaimer", "Please send the job description.\n\nKind regards,\nAnna\n\nThis e-mail and any attachments are confidential and intended solely for the addressee. If you are not the intended recipient, please delete it.", "Please send the job description."},
		{"sign-off de", "Bitte schicken Sie mir die Preisliste.\n\nViele Grüße\nJan Müller\nEinkauf\nTel. +49 30 1234567", "Bitte schicken Sie mir die Preisliste."},
		{"sign-off fr", "Pas pour le moment.\n\nCordialement,\nPierre Dupont", "Pas pour le moment."},
		{"sign-off pl", "Nie teraz.\n\nPozdrawiam\nJan Kowalski", "Nie teraz."},
		{"thanks name one line", "Not interested.\n\nThanks, Tom", "Not interested."},
		{"only thanks", "Thanks!", "Thanks!"},
		{"thanks and name", "Thanks,\nTom", "Thanks,"},
		{"thanks in prose kept", "Thanks for reaching out. I'm interested, when can we talk?", "Thanks for reaching out. I'm interested, when can we talk?"},
		{"trailing name", "Sounds good.\n\nTom", "Sounds good."},
		{"card without sign-off", "Yes, let's talk on Monday.\nJan Novak\nCTO, Acme s.r.o.\n+420 601 123 456\nwww.acme.example", "Yes, let's talk on Monday."},
		{"short lines kept", "Yes\nTuesday\nworks", "Yes\nTuesday\nworks"},
		{"prose after sign-off kept", "Yes.\n\nThanks\nI also wanted to ask whether the role is remote and what the salary range is, since that matters to me.", "Yes.\n\nThanks\nI also wanted to ask whether the role is remote and what the salary range is, since that matters to me."},
		{"quote then signature", "Sure.\n\nBest,\nTom\n\nOn Mon, Jan 8, 2024 at 10:02 AM Sarah <sarah@recruit.io> wrote:\n> Interested?", "Sure."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NewText(tc.in); got != tc.want {
				t.Errorf("NewText(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}
