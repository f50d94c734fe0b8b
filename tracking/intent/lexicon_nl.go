package intent

// lexiconNL is Dutch (cue letters: see lexiconEN).
const lexiconNL = `
X: geen; nooit; niemand; noch
P: niet
O: nee; neen; nee bedankt; nee dank je; nee, dank je
C: maar; echter; toch
H: geen probleem; geen zorgen; bedankt voor je bericht; bedankt voor uw bericht; dank voor je bericht
A/N: geïnteresseerd; geinteresseerd; interesse; ik heb interesse; graag; heel graag; ja graag; ja hoor; leuk; lijkt me leuk; lijkt me interessant; klinkt goed; prima; ik doe mee; laten we; plan maar; plan een; plannen we; maak maar; afspraak maken; kunnen we bellen; zullen we bellen; bel me; bel mij; wanneer schikt; wanneer past; wanneer kunnen we
a/N: interessant; bellen; gesprek; afspraak; kennismaken; kennismaking; demo; sollicitatiegesprek; ja; zeker; natuurlijk; oké; ok; akkoord; waarom niet; open voor; sta open voor
a: niet ongeïnteresseerd; niet oninteressant; geen bezwaar; zou het niet erg vinden
Q/U: stuur me; stuur mij; stuur; sturen; toesturen; mailen
Q: meer informatie; meer info; meer details; de vacaturetekst; de vacature; een offerte; een prijslijst; een brochure
K: wat; welk; welke; hoe; waar; wie; wanneer; waarom; is; zijn; kunt; kun; kunnen; heeft; hebben; om welk; om welke
L: later; nu niet; nu even niet; op dit moment niet; momenteel niet; voorlopig niet; nog niet; even niet; volgend jaar; volgend kwartaal; volgende maand; over een paar maanden; over een aantal maanden; over enkele maanden; over een half jaar; over zes maanden; na de zomer; na de vakantie; na de feestdagen; in het voorjaar; in de toekomst; neem later contact; neem over; weer contact; nog eens; opnieuw contact; slecht moment; geen goed moment; erg druk; heel druk; te druk; in januari; in februari; in maart; in april; in mei; in juni; in juli; in augustus; in september; in oktober; in november; in december; geen budget; geen tijd voor
-/L: nu; op dit moment; momenteel; voorlopig
-/N: op zoek; zoek; zoeken; nodig; behoefte; relevant
N: geen interesse; niet geïnteresseerd; niet geinteresseerd; nee bedankt; geen behoefte; niet nodig; hebben al; we hebben al; gebruiken al; werken al met; naar mijn zin; tevreden; zoek niets; zoek niks; niet op zoek; ik pas; sla over; sta niet open; niet open voor
-/W: de juiste persoon; de juiste contactpersoon; het juiste aanspreekpunt; verantwoordelijk; ga ik over; ga ik niet over; mijn afdeling; mijn gebied
W: verkeerde persoon; verkeerde contactpersoon; werk niet meer; niet meer werkzaam; ben vertrokken; doorgestuurd; doorgezet; iemand anders; een collega; mijn collega; daar ga ik niet over
U: afmelden; uitschrijven; schrijf me uit; haal me van; haal mij van; van jullie lijst; van de lijst; verwijder me; verwijder mij; verwijderen; geen mails meer; geen e-mails meer; stop met mailen; mailinglijst; spam
-/U: contact opnemen; mailen; benaderen
M: wie ben jij; wie bent u; hoe komt u aan; hoe kom je aan
S: maandag; dinsdag; woensdag; donderdag; vrijdag; zaterdag; zondag; morgen; vandaag; deze week; volgende week; ochtend; middag; avond; uur
F/-: schikt; past; kan; vrij; beschikbaar; lukt
R: mail; mail naar; stuur een mail naar; neem contact op met; contact opnemen met; bel; vraag; wend je tot; wendt u tot
E: mijn mail; mijn e-mail; mijn adres; mij op
`
