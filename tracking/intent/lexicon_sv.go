package intent

// lexiconSV is Swedish (cue letters: see lexiconEN).
const lexiconSV = `
X: ingen; inget; inga; aldrig; varken
P: inte; ej
O: nej; nej tack; nä
C: men; dock; däremot
H: inga problem; ingen fara; tack för ditt mejl; tack för mejlet; tack för meddelandet
A/N: intresserad; intresserade; intresse; jag är intresserad; mycket gärna; ja gärna; låter bra; låter intressant; låter spännande; det låter bra; boka; boka gärna; bokar; vi kan ta; kan vi ta; kan vi prata; kan vi ses; kan vi ringas; vi hörs; ring mig; när passar; när kan vi; perfekt; toppen
a/N: intressant; spännande; gärna; öppen för; prata; samtal; ringas; ringa; möte; träff; demo; intervju; ja; absolut; visst; självklart; okej; ok; varför inte
a: inte ointresserad; inte ointressant; har inget emot; inget emot
Q/U: skicka; skicka mig; skickar; mejla mig; maila mig
Q: mer information; mer info; mer detaljer; annonsen; en offert; en prislista
K: vad; vilken; vilket; vilka; hur; var; vem; när; varför; är; finns; kan; har; går
L: senare; inte nu; inte just nu; just nu inte; inte för tillfället; inte i dagsläget; inte än; inte ännu; nästa år; nästa kvartal; nästa månad; om några månader; om ett par månader; om ett halvår; om sex månader; efter sommaren; efter semestern; efter jul; efter nyår; i höst; i vår; i framtiden; hör av dig senare; hör av dig igen; hör av dig efter; hör av dig om; återkom; kontakta mig igen; dålig timing; fel tillfälle; mycket att göra; för mycket; hör gärna av dig; om ett år; i januari; i februari; i mars; i april; i maj; i juni; i juli; i augusti; i september; i oktober; i november; i december; ingen budget; inget budgetutrymme; efter årsskiftet; till hösten; till våren; till sommaren
-/L: nu; just nu; för tillfället; i dagsläget; för närvarande
-/N: söker; letar; behov; behöver; relevant; byta
N: inte intresserad; inte intresserade; inget intresse; nej tack; inget behov; har redan; använder redan; jobbar redan med; nöjd; nöjda; trivs; avböjer; jag avstår; avstår
-/W: rätt person; rätt kontakt; ansvarig; ansvarar; som ansvarar; mitt område; min avdelning
W: fel person; fel kontakt; jobbar inte längre; arbetar inte längre; slutat; har slutat; vidarebefordrat; skickat vidare; någon annan; en kollega; min kollega
U: avregistrera; avregistrera mig; avsluta prenumeration; avprenumerera; ta bort mig; ta bort mig från; sluta maila; sluta mejla; sluta skicka; från er lista; från listan; utskick; maillista; spam
-/U: kontakta mig; mejla; maila
M: vem är du; vem är detta; hur fick du
S: måndag; tisdag; onsdag; torsdag; fredag; lördag; söndag; imorgon; i morgon; idag; i dag; denna vecka; den här veckan; nästa vecka; förmiddag; eftermiddag; kväll; kl
F/-: passar; funkar; fungerar; ledig; tillgänglig; går bra
R: kontakta; mejla; maila; skriv till; prata med; hör av dig till; vänd dig till; fråga
E: min mejl; min mail; min adress; mig på
`
