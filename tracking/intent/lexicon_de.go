package intent

// lexiconDE is German (cue letters: see lexiconEN).
const lexiconDE = `
X: kein~; keine; keinen; keinerlei; nie; niemals; nicht mehr; weder; nirgends
P: nicht; nich
O: nein; ne; nö; nein danke
C: aber; jedoch; allerdings; trotzdem; wobei
H: kein problem; keine sorge; keine eile; danke für ihre nachricht; danke für die nachricht; danke für ihre anfrage
A/N: interessiert; interesse; ich bin dabei; gerne ein gespräch; gern ein gespräch; lassen sie uns; lass uns; wir können gerne; können wir gerne; gerne telefonieren; gern telefonieren; rufen sie mich; ruf mich an; rufen sie an; termin vereinbaren; termin ausmachen; passt mir; klingt gut; hört sich gut an; klingt super; klingt spannend; klingt interessant; sehr gerne; gerne doch; wann passt; wann haben sie zeit; wann hätten sie zeit; wann könnten wir; können wir telefonieren; können wir sprechen; sprechen wir; ich freue mich auf; freue mich auf
a/N: interessant; spannend; gespräch; telefonat; telefonieren; anrufen; termin; demo; vorstellungsgespräch; austausch; kennenlernen; ja; gerne; gern; klar; natürlich; selbstverständlich; auf jeden fall; sicher; okay; einverstanden; warum nicht; offen für; grundsätzlich offen; bin offen
a: nicht abgeneigt; nicht uninteressant; nicht uninteressiert; spricht nichts dagegen; hätte nichts dagegen; habe nichts dagegen
Q/U: schicken sie mir; senden sie mir; schicken sie; senden sie; schick mir; senden; schicken; zukommen lassen; zusenden
Q: mehr informationen; weitere informationen; nähere informationen; mehr details; weitere details; mehr infos; weitere infos; die stellenbeschreibung; eine preisliste; ein angebot; ein unterlagen; unterlagen
K: wie; was; welche; welcher; welches; wo; wann; warum; wer; gibt; ist; sind; können; könnten; haben; hat; um welches; um welche
L: später; nicht jetzt; gerade nicht$; momentan nicht$; derzeit nicht$; aktuell nicht$; zurzeit nicht$; im moment nicht$; jetzt nicht$; nicht im moment; zu einem späteren zeitpunkt; im nächsten jahr; nächstes jahr; nächsten jahr; im nächsten quartal; nächstes quartal; nächsten quartal; nächsten monat; in ein paar monaten; in einigen monaten; in ein paar wochen; in einem halben jahr; in sechs monaten; im frühjahr; im frühling; im sommer; im herbst; nach dem sommer; nach den feiertagen; nach dem urlaub; anfang nächsten jahres; ende des jahres; in zukunft; zukünftig; melden sie sich später; melden sie sich wieder; melden sie sich gerne wieder; kommen sie wieder; kommen sie gerne wieder; wieder auf mich zu; nochmal; noch einmal melden; passt es zeitlich nicht; zeitlich nicht; schlechter zeitpunkt; keine zeit; zu viel zu tun; sehr beschäftigt; wieder auf uns zu; auf uns zukommen; im januar; im februar; im märz; im april; im mai; im juni; im juli; im august; im september; im oktober; im november; im dezember; ab januar; ab februar; ab märz; ab april; ab mai; ab juni; ab juli; ab august; ab september; ab oktober; ab november; ab dezember; kein budget; budget ist verplant; budget ist schon verplant; kein budget mehr; budget für dieses jahr; keine kapazitäten; keine kapazität; keine ressourcen; im ersten quartal; im zweiten quartal; im dritten quartal; im vierten quartal; im q1; im q2; im q3; im q4; noch einmal nach; nochmal nach
-/N: auf der suche; suche; suchen; wechseln; wechsel; bedarf; brauchen; benötigen; brauche; nötig; relevant; passend
N: kein interesse; nicht interessiert; kein bedarf; nein danke; danke nein; brauchen wir nicht; benötigen wir nicht; haben bereits; haben schon; nutzen bereits; nutzen schon; bereits einen anbieter; schon einen anbieter; bin zufrieden; sind zufrieden; sehr zufrieden; gut versorgt; bestens versorgt; ich verzichte; verzichten; absage; passt nicht; nicht passend; kein thema; nicht relevant; gerade erst gewechselt; gerade gewechselt; habe gerade gewechselt; bleibe hier; bleibe bei meinem; nicht offen für; haben uns dagegen entschieden; für einen anderen anbieter entschieden
-/W: zuständig; der richtige ansprechpartner; die richtige ansprechpartnerin; richtige ansprechpartner; der richtige; die richtige; verantwortlich; mein bereich; meine abteilung; mein thema
W: falsche person; falscher ansprechpartner; falsche ansprechpartnerin; nicht mehr im unternehmen; nicht mehr bei; arbeite nicht mehr; habe das unternehmen verlassen; weitergeleitet; leite ich weiter; wenden sie sich an; wende dich an; jemand anderes; jemand anderen; kollege; kollegin; ansprechpartner ist
U: abmelden; abbestellen; austragen; tragen sie mich aus; entfernen sie mich; löschen sie mich; entfernen; löschen; verteiler; mailingliste; keine weiteren e-mails; keine weiteren mails; keine e-mails mehr; keine mails mehr; nicht mehr kontaktieren; nicht mehr anschreiben; unterlassen; keine werbung
U/-: kontaktieren sie mich nicht; schreiben sie mir nicht
-/U: kontaktieren; anschreiben; schreiben sie mir; mailen
M: wer sind sie; woher haben sie; wer ist das; kennen wir uns
S: montag~; dienstag~; mittwoch~; donnerstag~; freitag~; samstag~; sonntag~; morgen; heute; übermorgen; diese woche; nächste woche; vormittag; nachmittag; abend; uhr
F/-: passt; passen; frei; zeit; verfügbar; erreichbar; geht; klappt
R: wenden; schreiben sie an; schreiben; kontaktieren sie; kontaktieren; melden sie sich bei; versuchen sie es bei; fragen sie; mail an; e-mail an; an
E: meine e-mail; meine email; meine adresse; mich unter; mir an; meine private
`
