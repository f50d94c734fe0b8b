package intent

import "testing"

func TestDebug(t *testing.T) {
	tx := tokenize(normalize("Dafür bin ich nicht zuständig. Bitte wenden Sie sich an einkauf@firma.de."))
	for _, k := range tx.toks {
		t.Logf("%q %q s%d c%d", k.s, k.addr, k.sentence, k.clause)
	}
	for _, m := range builtin.find(tx) {
		t.Logf("%+v", m)
	}
}
