using PsaMapping.Engine.Matching;

namespace PsaMapping.Engine.Tests
{
    public sealed class AutocompleteRankerTests
    {
        // A realistic Autotask company list, with the things that make matching hard.
        private static readonly string[] Companies =
        {
            "Contoso", "Contoso Ltd", "The Contoso Group", "Acontoso", "Contso Ltd", "Contoso International Holdings",
            "Fabrikam", "Fabrikam Inc", "Fabrikant Holdings", "Van Fabrikant & Zonen", "Zonfabrikanten BV",
            "Müller Maschinenbau GmbH", "Mueller Industries", "Muller & Sons", "Möbelhaus Östergård",
            "Société Générale d'Électricité SARL", "Gallagher & O'Neill Limited", "O'Brien's Bakery",
            "Straße Bau AG", "Østergaard A/S", "Łódź Logistics", "B&Q", "Bau+Partner", "Acme S.A.",
            "Coca-Cola Bottling", "Micro Soft Solutions", "Microsoft", "Northwind Traders", "Tailspin Toys",
            "Wide World Importers", "Adventure Works Cycles", "Alpine Ski House", "Woodgrove Bank",
            "Litware, Inc.", "Proseware Inc.", "A. Datum Corporation", "Blue Yonder Airlines", "City Power & Light",
            "Consolidated Messenger", "Graphic Design Institute", "Humongous Insurance", "Lucerne Publishing",
            "Margie's Travel", "Nod Publishers", "Southridge Video", "Trey Research", "Wingtip Toys", "Fourth Coffee",
        };

        private static List<string> Names(string query, IEnumerable<string> names, int? first = null) =>
            AutocompleteRanker.Rank(query, names, n => n, first).Select(r => r.Item).ToList();

        private static MatchKind KindOf(string query, string candidate) => AutocompleteRanker.Score(query, candidate).Kind;

        // ---- Normalization ------------------------------------------------------------------------

        [Theory]
        [InlineData("Société Générale", "societe generale")]
        [InlineData("MÜLLER", "muller")]
        [InlineData("Mu\u0308ller", "muller")] // decomposed ü, as some systems store it
        [InlineData("Straße & Söhne", "strasse and sohne")]
        [InlineData("Østergaard A/S", "ostergaard a s")]
        [InlineData("Łódź Œuvre Æther Þórr Đuro", "lodz oeuvre aether thorr duro")]
        [InlineData("Smith+Jones", "smith and jones")]
        [InlineData("B&Q", "b and q")]
        [InlineData("O'Neill", "oneill")]
        [InlineData("O\u2019Neill", "oneill")] // typographic apostrophe
        [InlineData("Acme S.A.", "acme s a")]
        [InlineData("Coca-Cola", "coca cola")]
        [InlineData("Litware, Inc.", "litware inc")]
        [InlineData("  Contoso \t  Ltd.  ", "contoso ltd")]
        [InlineData("3M (UK) plc", "3m uk plc")]
        [InlineData("삼성전자", "삼성전자")] // Hangul stays composed, so it can still be searched for
        [InlineData("", "")]
        [InlineData("...", "")]
        public void Normalize_ignores_case_accents_and_punctuation(string name, string expected) =>
            Assert.Equal(expected, NameNormalizer.Normalize(name));

        [Fact]
        public void Normalize_of_null_is_empty() => Assert.Equal("", NameNormalizer.Normalize(null));

        [Fact]
        public void Umlauts_give_both_the_plain_and_the_German_spelling()
        {
            Assert.Equal(new[] { "muller", "mueller" }, NameNormalizer.Variants("Müller"));
            Assert.Equal(new[] { "muller", "mueller" }, NameNormalizer.Variants("Mu\u0308ller"));
            Assert.Equal(new[] { "mobelhaus ostergard", "moebelhaus oestergard" }, NameNormalizer.Variants("Möbelhaus Östergård"));
        }

        [Theory]
        [InlineData("Contoso Ltd")]
        [InlineData("Société Générale")]
        [InlineData("Straße")]
        public void Names_without_umlauts_have_a_single_variant(string name) =>
            Assert.Equal(new[] { NameNormalizer.Normalize(name) }, NameNormalizer.Variants(name));

        [Fact]
        public void Tokens_are_the_words_of_a_normalized_name()
        {
            Assert.Equal(new[] { "gallagher", "and", "oneill", "limited" }, NameNormalizer.Tokens(NameNormalizer.Normalize("Gallagher & O'Neill Limited")));
            Assert.Empty(NameNormalizer.Tokens(""));
            Assert.Empty(NameNormalizer.Tokens(null));
        }

        // ---- Tiers and ordering ---------------------------------------------------------------------

        [Fact]
        public void Results_come_exact_then_starts_with_then_word_starts_with_then_contains_then_misspelling()
        {
            // "conto" is not in "Contso Ltd" at all: "conts" is one edit away, so it is a misspelling.
            string[] list = { "Contso Ltd", "Fabrikam", "Acontoso", "The Contoso Group", "Contoso Ltd", "Contoso", "Conto" };

            IReadOnlyList<Ranked<string>> ranked = AutocompleteRanker.Rank("conto", list, n => n);

            Assert.Equal(new[] { "Conto", "Contoso", "Contoso Ltd", "The Contoso Group", "Acontoso", "Contso Ltd" }, ranked.Select(r => r.Item));
            Assert.Equal(
                new[] { MatchKind.Exact, MatchKind.StartsWith, MatchKind.StartsWith, MatchKind.WordStartsWith, MatchKind.Contains, MatchKind.Misspelling },
                ranked.Select(r => r.Match.Kind));
        }

        [Fact]
        public void An_exact_name_comes_first_even_when_other_names_sort_before_it()
        {
            string[] list = { "A Contoso Company", "Contoso Amsterdam", "Contoso Berlin", "CONTOSO" };

            Assert.Equal(new[] { "CONTOSO", "Contoso Berlin", "Contoso Amsterdam", "A Contoso Company" }, Names("contoso", list));
        }

        [Fact]
        public void Within_a_kind_names_with_less_extra_text_rank_higher()
        {
            Assert.Equal(
                new[] { "Contoso Ltd", "Contoso International Holdings" },
                Names("contoso", new[] { "Contoso International Holdings", "Contoso Ltd" }));
            Assert.Equal(
                new[] { "The Contoso Group", "The Contoso International Group" },
                Names("contoso", new[] { "The Contoso International Group", "The Contoso Group" }));
        }

        [Fact]
        public void Each_kind_has_its_own_score_band()
        {
            Assert.Equal(new NameMatch(MatchKind.Exact, 1.0), AutocompleteRanker.Score("contoso", "Contoso"));
            AssertBand(AutocompleteRanker.Score("contoso", "Contoso International Holdings"), MatchKind.StartsWith, 0.80, 0.90);
            AssertBand(AutocompleteRanker.Score("c", "Contoso International Holdings Worldwide Group"), MatchKind.StartsWith, 0.80, 0.90);
            AssertBand(AutocompleteRanker.Score("contoso", "The Contoso Group"), MatchKind.WordStartsWith, 0.65, 0.75);
            AssertBand(AutocompleteRanker.Score("ontoso", "The Contoso Group"), MatchKind.Contains, 0.50, 0.60);
            AssertBand(AutocompleteRanker.Score("contsoo", "Contoso"), MatchKind.Misspelling, 0.30, 0.45);
            AssertBand(AutocompleteRanker.Score("fabrikamm", "Fabrikam Inc"), MatchKind.Misspelling, 0.30, 0.45);
            Assert.Equal(NameMatch.None, AutocompleteRanker.Score("contoso", "Fabrikam"));
        }

        [Fact]
        public void One_typo_scores_above_two_typos()
        {
            NameMatch oneTypo = AutocompleteRanker.Score("northwnd traders", "Northwind Traders");
            NameMatch twoTypos = AutocompleteRanker.Score("northwnd tradres", "Northwind Traders");

            Assert.Equal(MatchKind.Misspelling, oneTypo.Kind);
            Assert.Equal(MatchKind.Misspelling, twoTypos.Kind);
            Assert.True(oneTypo.Score > twoTypos.Score);
        }

        // ---- Case, accents, punctuation ---------------------------------------------------------------

        [Theory]
        [InlineData("societe generale")]
        [InlineData("SOCIETE GENERALE D")]
        [InlineData("société générale d'élec")]
        [InlineData("societe generale delec")]
        public void Case_accents_and_punctuation_are_ignored(string query) =>
            Assert.Equal(MatchKind.StartsWith, KindOf(query, "Société Générale d'Électricité SARL"));

        [Theory]
        [InlineData("muller")]
        [InlineData("mueller")]
        [InlineData("Müller")]
        [InlineData("MUELLER MASCHINENBAU")]
        public void Both_spellings_of_an_umlaut_find_it(string query) =>
            Assert.Equal(MatchKind.StartsWith, KindOf(query, "Müller Maschinenbau GmbH"));

        [Theory]
        [InlineData("o neill")]
        [InlineData("oneill")]
        [InlineData("O'Neill")]
        [InlineData("o’neill")]
        public void Apostrophes_and_the_space_people_type_for_them_are_ignored(string query) =>
            Assert.Equal(MatchKind.WordStartsWith, KindOf(query, "Gallagher & O'Neill Limited"));

        [Theory]
        [InlineData("gallagher and o'neill")]
        [InlineData("GALLAGHER+ONEILL")]
        [InlineData("gallagher & o neill lim")]
        public void Ampersand_plus_and_the_word_and_are_the_same(string query) =>
            Assert.Equal(MatchKind.StartsWith, KindOf(query, "Gallagher & O'Neill Limited"));

        [Fact]
        public void Missing_or_extra_spaces_between_words_do_not_matter()
        {
            Assert.Equal(MatchKind.Exact, KindOf("microsoft solutions", "Micro Soft Solutions"));
            Assert.Equal(MatchKind.StartsWith, KindOf("cocacola", "Coca-Cola Bottling"));
            Assert.Equal(MatchKind.Exact, KindOf("micro soft", "Microsoft"));
        }

        [Fact]
        public void A_match_straddling_two_words_mid_word_does_not_count_as_contains()
        {
            // "contos|o l|td": the letters "ol" are there only if the space is ignored.
            Assert.Equal(MatchKind.None, KindOf("ol", "Contoso Ltd"));
            Assert.Equal(MatchKind.Contains, KindOf("oso lt", "Contoso Ltd"));
        }

        // ---- Misspellings -------------------------------------------------------------------------------

        [Fact]
        public void Misspellings_are_found_but_rank_below_every_real_contains_match()
        {
            string[] list = { "Contoso", "Contoso Ltd", "The Contoso Group", "Xcontsoo Labs", "Fabrikam" };

            IReadOnlyList<Ranked<string>> ranked = AutocompleteRanker.Rank("contsoo", list, n => n);

            Assert.Equal("Xcontsoo Labs", ranked[0].Item);
            Assert.Equal(MatchKind.Contains, ranked[0].Match.Kind);
            Assert.Equal(new[] { "Contoso", "Contoso Ltd", "The Contoso Group" }, ranked.Skip(1).Select(r => r.Item));
            Assert.All(ranked.Skip(1), r => Assert.Equal(MatchKind.Misspelling, r.Match.Kind));
        }

        [Fact]
        public void A_misspelled_word_is_found_anywhere_in_the_name_after_the_real_matches()
        {
            string[] list = { "Fabrikam Inc", "Zonfabrikanten BV", "The Fabrikam Group", "Van Fabrikant & Zonen", "Fabrikant Holdings", "Contoso" };

            IReadOnlyList<Ranked<string>> ranked = AutocompleteRanker.Rank("fabrikan", list, n => n);

            Assert.Equal(
                new[] { "Fabrikant Holdings", "Van Fabrikant & Zonen", "Zonfabrikanten BV", "Fabrikam Inc", "The Fabrikam Group" },
                ranked.Select(r => r.Item));
            Assert.Equal(
                new[] { MatchKind.StartsWith, MatchKind.WordStartsWith, MatchKind.Contains, MatchKind.Misspelling, MatchKind.Misspelling },
                ranked.Select(r => r.Match.Kind));
        }

        [Theory]
        [InlineData("cnotoso", "Contoso")]           // swapped letters
        [InlineData("contoo", "Contoso Ltd")]        // missing letter
        [InlineData("conttoso", "Contoso Ltd")]      // extra letter
        [InlineData("tailspn", "Tailspin Toys")]
        [InlineData("wodgrove bnk", "Woodgrove Bank")] // two typos in a long query
        [InlineData("humongus", "Humongous Insurance")]
        [InlineData("insurence", "Humongous Insurance")] // a later word
        public void Close_misspellings_are_found(string query, string candidate) =>
            Assert.Equal(MatchKind.Misspelling, KindOf(query, candidate));

        [Theory]
        [InlineData("cnt", "Contoso")]      // 3 letters: no typos forgiven
        [InlineData("abd", "Acme S.A.")]
        [InlineData("fbrkam", "Fabrikam")]  // 6 letters, two edits: too far
        [InlineData("contoso", "Contact Inc")]
        public void Short_or_distant_queries_do_not_produce_misspelling_noise(string query, string candidate) =>
            Assert.Equal(MatchKind.None, KindOf(query, candidate));

        [Fact]
        public void Three_letter_queries_list_only_real_matches()
        {
            List<string> found = Names("con", Companies);

            Assert.All(found, name => Assert.NotEqual(MatchKind.Misspelling, KindOf("con", name)));
            Assert.Contains("Consolidated Messenger", found);
            Assert.DoesNotContain("Coca-Cola Bottling", found);
        }

        // ---- Rank mechanics -----------------------------------------------------------------------------

        [Fact]
        public void First_limits_the_number_of_results()
        {
            Assert.Equal(new[] { "Contoso", "Contoso Ltd" }, Names("contoso", Companies, first: 2));
            Assert.Empty(Names("contoso", Companies, first: 0));
            Assert.Equal(Names("contoso", Companies).Count, Names("contoso", Companies, first: 1000).Count);
            Assert.Throws<ArgumentOutOfRangeException>(() => AutocompleteRanker.Rank("contoso", Companies, n => n, first: -1));
        }

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData(null)]
        public void An_empty_query_lists_every_name_alphabetically_with_one_score(string? query)
        {
            string[] list = { "contoso", "Fabrikam", "", "Acme" };

            IReadOnlyList<Ranked<string>> ranked = AutocompleteRanker.Rank(query, list, n => n);

            Assert.Equal(new[] { "", "Acme", "contoso", "Fabrikam" }, ranked.Select(r => r.Item));
            Assert.All(ranked, r => Assert.Equal(MatchKind.StartsWith, r.Match.Kind));
            Assert.Single(ranked.Select(r => r.Match.Score).Distinct());
        }

        [Fact]
        public void Equal_names_keep_their_original_order()
        {
            var items = new[] { (Id: 3, Name: "Contoso"), (Id: 1, Name: "CONTOSO"), (Id: 2, Name: "contoso") };

            IReadOnlyList<Ranked<(int Id, string Name)>> ranked = AutocompleteRanker.Rank("cont", items, i => i.Name);

            Assert.Equal(new[] { 3, 1, 2 }, ranked.Select(r => r.Item.Id));
            Assert.All(ranked, r => Assert.Equal(r.Item.Name, r.Name));
        }

        [Fact]
        public void Null_names_never_match_a_query()
        {
            Assert.Empty(AutocompleteRanker.Rank<string?>("contoso", new string?[] { null }, n => n));
            Assert.Equal(MatchKind.None, KindOf("contoso", null!));
        }

        [Fact]
        public void Ranking_fifty_thousand_names_for_the_first_twenty_gives_the_full_rankings_top_twenty()
        {
            // How long this takes is the benchmark's to measure (bench/PsaMapping.Bench prints it).
            List<string> names = GeneratedCompanyNames(50_000);

            IReadOnlyList<Ranked<string>> first = AutocompleteRanker.Rank("contsoo", names, n => n, first: 20);
            IReadOnlyList<Ranked<string>> all = AutocompleteRanker.Rank("contsoo", names, n => n);

            Assert.Equal(20, first.Count);
            Assert.Equal(all.Take(20).Select(r => r.Item + " " + r.Match), first.Select(r => r.Item + " " + r.Match));
        }

        // ---- Edit distance --------------------------------------------------------------------------------

        [Theory]
        [InlineData("ca", "ac", 2, 1)]
        [InlineData("contsoo", "contoso ltd", 2, 1)]
        [InlineData("kitten", "sitting", 3, 2)] // "sittin": k→s, e→i
        [InlineData("kitten", "sitting", 1, 2)] // over the bound: bound + 1
        [InlineData("abcd", "abcd", 1, 0)]
        [InlineData("abcd", "ab", 1, 2)]
        public void Prefix_distance_is_the_osa_distance_to_the_closest_prefix(string pattern, string text, int max, int expected) =>
            Assert.Equal(expected, new PrefixDistance(pattern, max).Distance(text, 0));

        [Fact]
        public void Prefix_distance_agrees_with_a_plain_osa_table_on_random_strings()
        {
            var random = new Random(1234);
            string Word(int length) => new(Enumerable.Range(0, length).Select(_ => "abc"[random.Next(3)]).ToArray());
            for (int round = 0; round < 3000; round++)
            {
                string pattern = Word(random.Next(1, 9)), text = Word(random.Next(0, 12));
                int max = random.Next(1, 3), start = text.Length == 0 ? 0 : random.Next(text.Length);
                string tail = text.Substring(start);

                int expected = Enumerable.Range(0, tail.Length + 1).Min(j => Osa(pattern, tail.Substring(0, j)));
                Assert.Equal(Math.Min(expected, max + 1), new PrefixDistance(pattern, max).Distance(text, start));
            }
        }

        private static int Osa(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (int j = 0; j <= b.Length; j++) d[0, j] = j;
            for (int i = 1; i <= a.Length; i++)
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            return d[a.Length, b.Length];
        }

        // ---- Server search terms ------------------------------------------------------------------------

        [Fact]
        public void Server_terms_for_an_umlaut_cover_every_spelling_of_it()
        {
            IReadOnlyList<string> terms = AutocompleteRanker.ServerSearchTerms("Müller");

            // Every spelling of the name in the database comes back, accent-sensitive comparison or not.
            foreach (string stored in new[] { "Müller GmbH", "Mueller AG", "Muller SA", "MÜLLER" })
                Assert.Contains(terms, t => stored.ToLowerInvariant().Contains(t, StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("contoso")]
        [InlineData("Müller Maschinenbau")]
        [InlineData("société générale d'électricité sarl")]
        [InlineData("gallagher & o'neill")]
        [InlineData("the quick brown fox jumps over the lazy dog twice")]
        [InlineData("ab")]
        [InlineData("x")]
        public void Server_terms_are_few_lowercase_and_none_contains_another(string query)
        {
            IReadOnlyList<string> terms = AutocompleteRanker.ServerSearchTerms(query);

            Assert.InRange(terms.Count, 1, 12);
            Assert.All(terms, t => Assert.Equal(t.ToLowerInvariant(), t));
            Assert.All(terms, t => Assert.DoesNotContain(terms, other => other != t && t.Contains(other, StringComparison.Ordinal)));
        }

        [Theory]
        [InlineData("")]
        [InlineData("  ")]
        [InlineData("...")]
        public void A_query_without_letters_has_no_server_terms_so_everything_is_listed(string query) =>
            Assert.Empty(AutocompleteRanker.ServerSearchTerms(query));

        [Fact]
        public void Server_terms_search_letters_only_pieces()
        {
            Assert.All(AutocompleteRanker.ServerSearchTerms("o'neill"), t => Assert.True(t.All(char.IsLetterOrDigit), t));
            Assert.All(AutocompleteRanker.ServerSearchTerms("Gallagher & O'Neill Ltd."), t => Assert.True(t.All(char.IsLetterOrDigit), t));
            Assert.All(AutocompleteRanker.ServerSearchTerms("Acme S.A. (Europe)"), t => Assert.True(t.All(char.IsLetterOrDigit), t));
        }

        [Fact]
        public void A_query_of_single_letters_searches_them_run_together_and_as_typed()
        {
            IReadOnlyList<string> terms = AutocompleteRanker.ServerSearchTerms("S.A.");

            Assert.Contains("sa", terms);
            Assert.Contains("s.a.", terms);
        }

        [Theory]
        [InlineData("b&q")]
        [InlineData("B and Q")]
        public void An_ampersand_query_searches_for_the_ampersand(string query)
        {
            IReadOnlyList<string> terms = AutocompleteRanker.ServerSearchTerms(query);

            Assert.Contains("&", terms);
            Assert.Contains("and", terms);
        }

        // The server only does a case-insensitive `contains` against the stored name: no accent folding,
        // no punctuation skipping. So a company comes back only if one term is a substring of its raw,
        // lowercased name. Every company the ranker would show must come back.
        [Theory]
        [InlineData("conto")]
        [InlineData("contoso")]
        [InlineData("contsoo")]
        [InlineData("cnotoso ltd")]
        [InlineData("fabrikan")]
        [InlineData("müller")]
        [InlineData("mueller")]
        [InlineData("muller")]
        [InlineData("moebelhaus")]
        [InlineData("mobelhaus ostergard")]
        [InlineData("societe generale")]
        [InlineData("société générale")]
        [InlineData("delectricite")]
        [InlineData("o neill")]
        [InlineData("oneill")]
        [InlineData("o'neill")]
        [InlineData("obrien")]
        [InlineData("gallagher and oneill")]
        [InlineData("b&q")]
        [InlineData("b and q")]
        [InlineData("bau partner")]
        [InlineData("strasse")]
        [InlineData("straße")]
        [InlineData("ostergaard")]
        [InlineData("østergaard")]
        [InlineData("lodz")]
        [InlineData("acme s.a.")]
        [InlineData("acme sa")]
        [InlineData("cocacola")]
        [InlineData("microsoft")]
        [InlineData("micro soft")]
        [InlineData("wodgrove bnk")]
        [InlineData("margies")]
        [InlineData("lit")]
        [InlineData("c")]
        public void Server_terms_bring_back_every_company_the_ranker_would_show(string query) =>
            AssertServerTermsCover(query, Companies);

        [Fact]
        public void Server_terms_bring_back_every_plain_company_for_any_prefix_or_typo()
        {
            // "Plain" names are stored the way they are normalized, but for case, spaces and punctuation between
            // words: no accents, no apostrophes, no '&' or '+' (which become "and").
            string[] plain = Companies.Where(c => NameNormalizer.IsAscii(c) && !c.Any(ch => ch is '\'' or '&' or '+')).ToArray();

            // What people type: any prefix of any name, and each word with one typo of every kind at every place.
            var queries = new HashSet<string>();
            foreach (string name in Companies)
            {
                string lower = name.ToLowerInvariant();
                for (int length = 1; length <= lower.Length; length++) queries.Add(lower.Substring(0, length));
                foreach (string word in NameNormalizer.Tokens(NameNormalizer.Normalize(name)).Where(w => w.Length >= 4))
                    foreach (string typo in OneTypo(word))
                        queries.Add(typo);
            }

            foreach (string query in queries)
            {
                // Known limit: under 4 letters, a query that runs two stored words together ("ad" for "A. Datum").
                bool shortQuery = PreparedName.From(NameNormalizer.Normalize(query)).Compact.Length < 4;
                AssertServerTermsCover(query, plain.Where(c => !shortQuery || NameNormalizer.Normalize(c).Contains(NameNormalizer.Normalize(query))));
            }
        }

        [Fact]
        public void Server_terms_bring_back_a_name_with_accents_or_apostrophes_for_its_prefixes_typed_with_or_without_them()
        {
            // Autotask may compare accent-sensitively, so "muller" must find "Müller" through a piece ("ler").
            // Known limits (see ServerSearchTerms): prefixes under 5 letters typed without the stored accent or
            // apostrophe ("mu", "muel" for "Müller"), and two such marks in one short word ("obriens" for "O'Brien's").
            foreach (string name in Companies.Where(c => !c.Split(' ').Any(word => word.Count(NameNormalizer.IsApostrophe) >= 2)))
            {
                string lower = name.ToLowerInvariant();
                for (int length = 5; length <= lower.Length; length++)
                {
                    AssertServerTermsCover(lower.Substring(0, length), new[] { name });
                    string plainPrefix = NameNormalizer.Normalize(lower.Substring(0, length));
                    if (plainPrefix.Length >= 5) AssertServerTermsCover(plainPrefix, new[] { name });
                }
            }
        }

        private static IEnumerable<string> OneTypo(string word)
        {
            for (int i = 0; i < word.Length; i++)
            {
                yield return word.Remove(i, 1);                              // missing letter
                yield return string.Concat(word.AsSpan(0, i), "x", word.AsSpan(i)); // extra letter
                yield return string.Concat(word.AsSpan(0, i), "x", word.AsSpan(i + 1)); // wrong letter
                if (i + 1 < word.Length && !(word.Length == 4 && i == 1))     // swapped letters
                    yield return word.Substring(0, i) + word[i + 1] + word[i] + word.Substring(i + 2);
            }
        }

        private static void AssertServerTermsCover(string query, IEnumerable<string> companies)
        {
            IReadOnlyList<string> terms = AutocompleteRanker.ServerSearchTerms(query);
            foreach (string company in companies)
            {
                if (AutocompleteRanker.Score(query, company).Kind == MatchKind.None) continue;
                string stored = company.ToLowerInvariant();
                Assert.True(terms.Any(t => stored.Contains(t, StringComparison.Ordinal)),
                    $"'{company}' matches '{query}' but no server term finds it: {string.Join(", ", terms)}");
            }
        }

        // ---- Helpers ----------------------------------------------------------------------------------------

        private static void AssertBand(NameMatch match, MatchKind kind, double low, double high)
        {
            Assert.Equal(kind, match.Kind);
            Assert.True(match.Score >= low && match.Score < high, $"{match} is outside [{low}, {high})");
        }

        private static List<string> GeneratedCompanyNames(int count)
        {
            string[] first = { "Contoso", "Fabrikam", "Northwind", "Tailspin", "Woodgrove", "Litware", "Proseware", "Adatum", "Alpine", "Müller", "Société", "O'Neill", "Østergaard", "Lucerne" };
            string[] middle = { "Blue", "Global", "Regional", "Nord", "Süd", "Atlantic", "Pacific", "Digital", "Green", "Smith & Sons" };
            string[] last = { "Ltd", "GmbH", "Inc.", "S.A.", "Holdings", "Group", "Services", "Consulting", "Partners", "AG", "B.V.", "SARL" };
            var random = new Random(42);
            var names = new List<string>(count);
            for (int i = 0; i < count; i++)
                names.Add($"{first[random.Next(first.Length)]}{random.Next(1000)} {middle[random.Next(middle.Length)]} {last[random.Next(last.Length)]}");
            return names;
        }
    }
}
