package intent

// lexiconIT is Italian (cue letters: see lexiconEN).
const lexiconIT = `
X: non; mai; nessun; nessuno; nessuna; né; neanche; nemmeno; neppure
O: no; no grazie; no, grazie
C: però; tuttavia; comunque; eppure
H: nessun problema; non si preoccupi; non ti preoccupare; grazie per il messaggio; grazie del messaggio; grazie per avermi contattato; non solo
A/N: interessato; interessata; interessati; mi interessa; ci interessa; sono interessato; volentieri; con piacere; molto volentieri; mi piacerebbe; ci sto; possiamo sentirci; sentiamoci; parliamone; fissiamo; organizziamo; programmiamo; quando possiamo; possiamo parlarne; possiamo parlare; mi chiami; chiamami; perfetto; va benissimo; mi va bene; ottimo
a/N: interessante; interesse; parlarne; parlare; sentirci; chiamata; call; incontro; riunione; colloquio; demo; certo; certamente; sicuro; va bene; ok; d'accordo; perché no; perche no; aperto a; aperta a
a: non mi dispiacerebbe; non sarebbe male; non escludo
Q/U: mi può mandare; mi puoi mandare; mandarmi; mandare; inviare; inviarmi; mi invii; mi mandi; scrivetemi; mandatemi
Q: maggiori informazioni; più informazioni; maggiori dettagli; più dettagli; qualche informazione; la descrizione; una presentazione; un preventivo; il listino
K: qual; quale; quali; quanto; quanta; quanti; come; dove; chi; cosa; che cosa; perché; è; c'è; ci sono; potete; può; puoi; avete
L: più avanti; più tardi; adesso no; ora no; al momento no; per ora no; non adesso; non ora; non ancora; per il momento no; in questo momento no; l'anno prossimo; il prossimo anno; il prossimo trimestre; il prossimo mese; tra qualche mese; fra qualche mese; tra qualche settimana; tra sei mesi; dopo l'estate; dopo le feste; dopo le vacanze; in futuro; ricontattami; ricontattarmi; mi ricontatti; risentiamoci; ci risentiamo; riprendiamo; momento sbagliato; non è il momento; periodo intenso; molto impegnato; molto impegnata; a gennaio; a febbraio; a marzo; ad aprile; a maggio; a giugno; a luglio; ad agosto; a settembre; a ottobre; ad ottobre; a novembre; a dicembre; non abbiamo budget; nessun budget; senza budget; l'anno prossimo; magari l'anno prossimo
-/L: adesso; ora; al momento; per ora; per il momento; attualmente; in questo momento
-/N: cercando; cerco; bisogno; necessità; cambiare; rilevante
N: non sono interessato; non sono interessata; non siamo interessati; non mi interessa; non ci interessa; nessun interesse; no grazie; non abbiamo bisogno; non ne abbiamo bisogno; abbiamo già; abbiamo gia; usiamo già; sono soddisfatto; sono soddisfatta; mi trovo bene; passo; declino; molto soddisfatto; molto soddisfatta; soddisfatto del; soddisfatta del
-/W: la persona giusta; la persona corretta; il referente; responsabile; me ne occupo; me ne occupo io; mi occupo; competenza; il mio ambito; il mio reparto
W: persona sbagliata; contatto sbagliato; non lavoro più; non sono più; ho lasciato l'azienda; ho inoltrato; inoltrato; un'altra persona; un collega; una collega; il mio collega; la mia collega
U: cancellarmi; cancellatemi; cancellami; cancellazione; rimuovermi; rimuovetemi; rimuovimi; rimuovere dalla lista; disiscrivere; disiscrivermi; disiscrizione; non scrivetemi; non scrivermi; non contattatemi; non voglio ricevere; smettete di scrivermi; lista; mailing list; spam
-/U: contattarmi; contattatemi; scrivermi; ricevere
M: chi è lei; chi sei; come ha avuto; dove ha trovato
S: lunedì; martedì; mercoledì; giovedì; venerdì; sabato; domenica; domani; oggi; questa settimana; la prossima settimana; settimana prossima; mattina; pomeriggio; sera
F/-: libero; libera; disponibile; va bene; posso; andrebbe bene
R: scriva a; scrivi a; scrivere a; contatti; contatta; contattare; si rivolga a; rivolgiti a; senta; chieda a
E: la mia mail; il mio indirizzo; la mia email; scrivermi a
`
