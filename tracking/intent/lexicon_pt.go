package intent

// lexiconPT is Portuguese, European and Brazilian (cue letters: see
// lexiconEN).
const lexiconPT = `
X: nunca; jamais; nenhum; nenhuma; nem
O: não; nao; não, obrigado; não, obrigada; não obrigado; não obrigada
C: porém; contudo; entretanto; no entanto; todavia
H: sem problema; sem problemas; não se preocupe; obrigado pelo contato; obrigada pelo contato; obrigado pela mensagem; não só
A/N: tenho interesse; interessado; interessada; interessados; me interessa; gostaria muito; adoraria; com prazer; com certeza; pode contar comigo; vamos conversar; vamos marcar; vamos agendar; podemos conversar; podemos falar; podemos marcar; quando podemos; pode agendar; pode marcar; agende; marque; me ligue; me liga; perfeito; parece bom; parece ótimo; fechado; combinado
a/N: interessante; interesse; conversar; falar; bater um papo; ligação; chamada; reunião; demonstração; demo; entrevista; sim; claro; claro que sim; certamente; pode ser; ok; tudo bem; por que não; porque não; aberto a; aberta a; topo; topo conversar
a: não me importaria; não seria mal; não descarto
Q/U: me envie; me envia; envie; enviar; me mande; mandar; me enviar; encaminhar
Q: mais informações; mais informacoes; mais detalhes; mais info; a descrição da vaga; uma proposta; um orçamento; a tabela de preços
K: qual; quais; quanto; quanta; quantos; como; onde; quem; o que; por que; é; tem; vocês têm; pode; podem
L: mais tarde; mais para frente; mais pra frente; agora não; no momento não; neste momento não; por enquanto não; ainda não; no próximo ano; ano que vem; no próximo semestre; próximo semestre; no próximo trimestre; próximo mês; daqui a alguns meses; daqui a uns meses; daqui a seis meses; em alguns meses; depois das férias; depois do verão; no futuro; me procure; volte a falar; volte a me procurar; entre em contato novamente; retome o contato; momento ruim; não é um bom momento; muito ocupado; muito ocupada; sem tempo; em janeiro; em fevereiro; em março; em abril; em maio; em junho; em julho; em agosto; em setembro; em outubro; em novembro; em dezembro; de novo em; me chama de novo; me procure de novo; não temos orçamento; sem orçamento; no ano que vem; próximo ano
-/L: agora; no momento; neste momento; por enquanto; atualmente
-/N: procurando; buscando; precisamos; preciso; mudar; relevante; faz sentido; faça sentido; faria sentido
N: não tenho interesse; não temos interesse; sem interesse; não estou interessado; não estou interessada; não estamos interessados; não me interessa; não precisamos; já temos; já usamos; já utilizamos; já trabalhamos com; estou satisfeito; estou satisfeita; estou feliz onde estou; estou bem onde estou; dispenso; passo; muito feliz na; feliz na empresa; feliz no meu; feliz no emprego; satisfeito com; satisfeita com; aceitei outra proposta; nem no futuro; nem agora nem no futuro; nem agora nem depois
-/W: a pessoa responsável; responsável; a pessoa certa; a pessoa indicada; o contato certo; quem cuida; minha área; meu departamento
W: pessoa errada; contato errado; não trabalho mais; não estou mais na; saí da empresa; encaminhei; outra pessoa; um colega; uma colega; meu colega; minha colega
U: descadastrar; descadastre; descadastra; me descadastre; remover da lista; me remova; me remover; remova meu; tirar da lista; me tire; cancelar inscrição; cancelar a inscrição; não quero mais receber; não quero receber; parem de enviar; pare de enviar; parem de me enviar; lista de e-mails; lista de email; spam
-/U: receber; contatar; me contatar; me enviem
M: quem é você; quem é; como conseguiu; onde conseguiu
S: segunda; terça; quarta; quinta; sexta; sábado; domingo; amanhã; hoje; esta semana; essa semana; semana que vem; próxima semana; de manhã; à tarde; tarde; manhã; h
F/-: posso; livre; disponível; funciona; serve; fica bom
R: fale com; falar com; escreva para; escreva a; entre em contato com; contate; procure; pergunte a; mande para; envie para
E: meu e-mail; meu email; meu endereço; me escreva em
`
