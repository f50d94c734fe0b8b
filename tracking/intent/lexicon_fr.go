package intent

// lexiconFR is French (cue letters: see lexiconEN).
const lexiconFR = `
X: ne; n; jamais; plus; aucun; aucune; ni
P: pas
O: non; non merci
C: mais; cependant; toutefois; par contre; néanmoins
H: pas de souci; pas de soucis; pas de problème; merci pour votre message; merci de votre message; merci pour votre prise de contact; pas seulement
A/N: intéressé; intéressée; intéressés; m'intéresse; m'intéresserait; ça m'intéresse; cela m'intéresse; volontiers; avec plaisir; avec grand plaisir; je suis partant; je suis partante; partant; partante; on peut en parler; on peut en discuter; parlons-en; discutons-en; pouvons-nous en discuter; quand pouvons-nous; quand peut-on; organisons; planifions; fixons; prenons rendez-vous; appelez-moi; appelle-moi; je suis disponible; je suis dispo; ça me va; cela me va; ça marche; parfait; bonne idée; ça me convient
a/N: intéressant; intéressante; discuter; échanger; échange; en parler; appel; un appel; rendez-vous; rdv; démo; démonstration; entretien; rencontrer; oui; bien sûr; d'accord; ok; pourquoi pas; certainement; évidemment; carrément; ouvert à; ouverte à
a: pas contre; ne suis pas contre; ça ne me dérange pas; pas inintéressant
Q/U: envoyez-moi; envoyez moi; m'envoyer; envoyer; me transmettre; transmettre; faire parvenir
Q: plus d'informations; plus d'infos; plus de détails; davantage d'informations; la fiche de poste; une brochure; une plaquette; une documentation; un devis; les tarifs
K: qu'est-ce; quel; quelle; quels; quelles; combien; comment; où; pourquoi; qui; est-ce; pouvez-vous; pourriez-vous; y a-t-il; avez-vous
L: plus tard; pas maintenant; pas pour le moment; pas pour l'instant; pas en ce moment; pas tout de suite; pas encore; à la rentrée; l'année prochaine; l'an prochain; le trimestre prochain; le mois prochain; dans quelques mois; dans quelques semaines; dans six mois; dans 6 mois; dans un an; au printemps; cet été; en septembre; après l'été; après les fêtes; début d'année; fin d'année; plus tard dans l'année; à l'avenir; recontactez-moi; recontacter; revenez vers moi; revenir vers moi; reprendre contact; relancez-moi; mauvais moment; pas le bon moment; débordé; débordée; très occupé; très occupée; en janvier; en février; en mars; en avril; en mai; en juin; en juillet; en août; en septembre; en octobre; en novembre; en décembre; pas de budget; budget est bouclé; plus de budget; dans un an; l'an prochain; peut-être plus tard
-/L: maintenant; pour le moment; pour l'instant; en ce moment; actuellement
-/N: en recherche; recherche; à l'écoute; à l'écoute du marché; besoin; pertinent; intéresse
N: pas intéressé; pas intéressée; pas intéressés; pas d'intérêt; aucun intérêt; ne m'intéresse pas; ça ne m'intéresse pas; non merci; pas besoin; pas nécessaire; nous avons déjà; on a déjà; nous utilisons déjà; j'ai déjà; satisfait; satisfaite; je décline; je passe mon tour; sans façon; pas pour nous; pas pour moi; pas de besoin; aucun besoin; accepté une autre offre; accepté un poste; ni maintenant ni plus tard
-/W: la bonne personne; le bon interlocuteur; la bonne interlocutrice; le bon contact; responsable; en charge; qui gère; mon domaine; mon service; moi qui gère; moi qui m'occupe; concerné; concernée
W: mauvaise personne; mauvais interlocuteur; mauvais contact; ne travaille plus; n'est plus; quitté l'entreprise; quitté la société; transféré; transmis à; quelqu'un d'autre; un collègue; une collègue; ma collègue; mon collègue
U: désinscrire; désinscrivez; désinscrivez-moi; désinscription; désabonner; désabonnez-moi; désabonnement; retirer de votre liste; retirez-moi; me retirer; supprimer mes données; supprimez-moi; liste de diffusion; ne plus me contacter; ne plus recevoir; arrêtez de m'écrire; arrêtez de m'envoyer; cessez; spam; supprimer mon adresse; supprimez mon adresse; supprimer mes coordonnées; supprimer mes données; effacer mes données; de vos fichiers
-/U: contacter; me contacter; m'écrire; écrire
M: qui êtes-vous; qui etes-vous; comment avez-vous eu; où avez-vous trouvé
S: lundi; mardi; mercredi; jeudi; vendredi; samedi; dimanche; demain; aujourd'hui; cette semaine; la semaine prochaine; matin; après-midi; soir; h; heures
F/-: disponible; dispo; libre; convient; me va; possible
R: écrivez; écrire à; contactez; contacter; adressez-vous; voyez avec; demandez à; s'adresser à; écrivez plutôt
E: mon adresse; mon email; mon e-mail; mon mail; moi à
`
