package intent

// lexiconPL is Polish (cue letters: see lexiconEN).
const lexiconPL = `
X: żaden; żadna; żadne; nigdy; ani
P: nie
O: nie dziękuję; nie, dziękuję; nie dzięki
C: ale; jednak; natomiast; lecz
H: nie ma problemu; bez problemu; dziękuję za wiadomość; dziękuję za kontakt; dzięki za wiadomość; nie tylko
A/N: zainteresowany; zainteresowana; zainteresowani; zainteresowane; jestem zainteresowany; jestem zainteresowana; chętnie; bardzo chętnie; z przyjemnością; umówmy się; umówmy; porozmawiajmy; możemy porozmawiać; możemy się umówić; proszę o termin; proszę o kontakt telefoniczny; proszę zadzwonić; zadzwoń; kiedy możemy; kiedy ma pan czas; kiedy ma pani czas; pasuje mi; brzmi dobrze; brzmi ciekawie; świetnie; super
a/N: ciekawe; interesujące; interesuje; zainteresowanie; porozmawiać; rozmowa; rozmowę; spotkanie; spotkać; demo; prezentacja; tak; jasne; oczywiście; pewnie; okej; ok; dobrze; czemu nie; dlaczego nie; otwarty na; otwarta na
a: nie mam nic przeciwko; nie wykluczam; czemu by nie
Q/U: proszę przesłać; proszę wysłać; prześlij; wyślij; przesłać; wysłać; wysyłać; przesyłać; podesłać
Q: więcej informacji; więcej szczegółów; szczegóły; opis stanowiska; ofertę; cennik; wycenę
K: jaki; jaka; jakie; jakim; jakiej; ile; jak; gdzie; kto; kiedy; dlaczego; czy; co
L: później; nie teraz; obecnie nie; teraz nie; na razie nie; w tej chwili nie; jeszcze nie; w przyszłym roku; za rok; w przyszłym kwartale; w przyszłym miesiącu; za kilka miesięcy; za parę miesięcy; za pół roku; za kilka tygodni; po wakacjach; po świętach; po lecie; w przyszłości; odezwać się za; odezwać się później; proszę wrócić; wrócić do mnie; wróćmy do tematu; zły moment; nie jest dobry moment; bardzo zajęty; bardzo zajęta; nie mam czasu; w styczniu; w lutym; w marcu; w kwietniu; w maju; w czerwcu; w lipcu; w sierpniu; we wrześniu; w październiku; w listopadzie; w grudniu; nie mamy budżetu; brak budżetu; bez budżetu; proszę o kontakt w; w przyszłym roku
-/L: teraz; obecnie; na razie; w tej chwili; aktualnie; w tym momencie
-/N: szukam; szukamy; potrzebujemy; potrzebuję; zmieniać; zmiany; interesuje mnie
N: nie jestem zainteresowany; nie jestem zainteresowana; nie jesteśmy zainteresowani; nie interesuje mnie; nie interesuje nas; brak zainteresowania; nie potrzebujemy; mamy już; już mamy; korzystamy już; jestem zadowolony; jestem zadowolona; nie szukam; nie szukamy; rezygnuję; odmawiam; pas
-/W: właściwa osoba; właściwą osobą; odpowiednia osoba; odpowiednią osobą; odpowiedzialny; odpowiedzialna; zajmuję się; zajmuje się; do mnie; mój dział
W: zła osoba; niewłaściwa osoba; już nie pracuję; nie pracuję już; odszedłem; odeszłam; przekazałem; przekazałam; przesłałem dalej; ktoś inny; kolega; koleżanka; mój kolega; moja koleżanka; pomylił pan osoby; pomyliła pani osoby; pomylił; pomyliła; pomyłka; to pomyłka
U: wypisz; wypisać; wypiszcie; wypisz mnie; usuń mnie; usunąć mnie; usuńcie mnie; usunięcie; z listy; listy mailingowej; rezygnuję z subskrypcji; nie kontaktować; nie pisać; proszę nie pisać; spam; usunąć mój adres; usunąć moje dane; usuńcie moje dane; z bazy; z bazy danych
-/U: kontaktować; pisać; wysyłać; przesyłać
M: kim pan jest; kim pani jest; skąd ma pan; skąd macie
S: poniedziałek; wtorek; środa; środę; czwartek; piątek; sobota; sobotę; niedziela; jutro; dzisiaj; dziś; w tym tygodniu; w przyszłym tygodniu; rano; po południu; wieczorem; godz
F/-: pasuje; wolny; wolna; dostępny; dostępna; mogę; może być
R: proszę pisać do; proszę napisać na; proszę napisać do; napisz do; pisać do; napisać na; skontaktuj się z; proszę skontaktować się z; proszę się skontaktować; kontakt z
E: mój adres; mój e-mail; mój mail; na mój
`
