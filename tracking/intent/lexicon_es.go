package intent

// lexiconES is Spanish (cue letters: see lexiconEN).
const lexiconES = `
X: nunca; jamás; ningún; ninguna; ninguno; tampoco; ni
O: no; no gracias; no, gracias
C: pero; sin embargo; aunque
H: no hay problema; no te preocupes; gracias por escribir; gracias por contactar; gracias por el mensaje; no solo
A/N: me interesa; interesado; interesada; interesados; me encantaría; me gustaría; encantado; encantada; con gusto; con mucho gusto; cuenta conmigo; hablemos; agendemos; agendar; programemos; coordinemos; quedamos; cuándo podemos; cuando podemos; podemos hablar; podemos conversar; llámame; llámeme; me parece bien; me parece perfecto; perfecto; suena bien; suena genial; me viene bien; me va bien; te va bien; le va bien; cuándo tienes disponibilidad; disponibilidad
a/N: interesante; hablar; charlar; conversar; llamada; reunión; cita; demo; demostración; entrevista; sí; claro; claro que sí; por supuesto; vale; de acuerdo; ok; seguro; por qué no; porque no; abierto a; abierta a
a: no me importaría; no estaría mal; no descarto
Q/U: envíame; envíeme; enviarme; me puedes enviar; me puede enviar; enviar; envíen; envien; mándame; mandar; mandarme
Q: más información; más detalles; más info; la descripción del puesto; los precios; una propuesta; un presupuesto; una cotización
K: qué; cuál; cuáles; cuánto; cuánta; cuántos; cómo; dónde; quién; por qué; hay; tienen; tienes; es; puedes; puede; podrías
L: más tarde; más adelante; ahora no; ahora mismo no; por ahora no; de momento no; en este momento no; todavía no; aún no; el próximo año; el año que viene; el próximo trimestre; el próximo mes; en unos meses; en unas semanas; en seis meses; después del verano; después de las fiestas; a principios de año; a final de año; en el futuro; vuelve a contactarme; vuelva a contactarme; contáctame más adelante; escríbeme más adelante; escríbeme el; escríbeme en; retomemos; mal momento; no es buen momento; no es un buen momento; muy ocupado; muy ocupada; en enero; en febrero; en marzo; en abril; en mayo; en junio; en julio; en agosto; en septiembre; en octubre; en noviembre; en diciembre; no tenemos presupuesto; sin presupuesto; no hay presupuesto; el año que viene; en un año
-/L: ahora; ahora mismo; por ahora; de momento; en este momento; actualmente
-/N: buscando; busco; necesitamos; necesito; cambiar; relevante; tiene sentido; tenga sentido
N: no me interesa; no nos interesa; no estoy interesado; no estoy interesada; no estamos interesados; sin interés; no gracias; no necesitamos; ya tenemos; ya contamos con; ya usamos; ya trabajamos con; contento en mi trabajo; contenta en mi trabajo; estoy contento; estoy contenta; estoy bien donde estoy; paso; declino; ni en el futuro; ni ahora ni nunca; acepté otra oferta; no busco; no busco cambiar
-/W: la persona indicada; la persona adecuada; la persona correcta; el contacto adecuado; responsable; encargado; encargada; me encargo; mi área; mi departamento
W: persona equivocada; contacto equivocado; ya no trabajo; ya no estoy en; dejé la empresa; he reenviado; reenviado; otra persona; un compañero; una compañera; mi compañero; mi compañera
U: dame de baja; darme de baja; dar de baja; denme de baja; de baja; darse de baja; eliminar de la lista; elimíname; elimínenme; eliminarme; quitarme de la lista; quítame; no quiero recibir; dejen de escribirme; dejen de enviar; deja de escribirme; no me escriban; no me escribas; no me contacten; lista de correo; spam
-/U: contactar; contacten; escriban; escribas; molestar
M: quién eres; quien eres; quién es usted; cómo conseguiste; de dónde sacaste
S: lunes; martes; miércoles; jueves; viernes; sábado; domingo; mañana; hoy; esta semana; la próxima semana; la semana que viene; tarde; por la mañana
F/-: me va; me viene; libre; disponible; puedo; va bien
R: contacta; contacte; contactar con; escribe a; escriba a; escríbele; habla con; hable con; pregunta a; dirígete a
E: mi correo; mi email; mi dirección; escríbeme a
`
