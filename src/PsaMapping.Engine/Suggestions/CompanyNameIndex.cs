using System;
using System.Collections.Generic;

namespace PsaMapping.Engine.Suggestions
{
    /// <summary>
    /// Finds the Autotask companies whose names are closest to a customer name, without comparing the
    /// customer with every company. Built once; immutable afterwards, so <see cref="Best"/> may be called
    /// from many threads at once (each query then gets working arrays of its own; use one
    /// <see cref="NewSearcher"/> per thread for many queries).
    /// </summary>
    /// <remarks>
    /// <para><b>Keys.</b> Every company name is parsed by <see cref="CompanyNameKey"/> into the words of its core
    /// (legal suffix removed) in its plain spelling and, when it has umlauts, its German one (ü→ue).</para>
    /// <para><b>Blocking.</b> Three ways into the companies, all looked up, never scanned:
    /// (1) the core's letters run together ("oneill", "muellermaschinenbau") → companies, so any name that
    /// differs only in case, accents, punctuation, spacing, transliteration or legal suffix is always a candidate;
    /// (2) word → companies postings, each word weighted by its rarity (idf = ln(1 + N / companies with the word)).
    /// A word in more than <see cref="CommonWordShare"/> of the companies ("and", "group") is not walked when the
    /// name has a rarer word; (3) for typo tolerance, the words of the index within one edit of a query word
    /// (4+ letters), found through a one-deletion neighbourhood (SymSpell-style: every word and every word
    /// with one letter deleted, hashed, in one sorted array), and walked like (2) with 0.7 of the weight;
    /// acronyms ("wwi") are looked up both ways. Per query, companies collect the weights of the words they
    /// share; the <see cref="CandidateCount"/> best by a weighted Dice overlap, plus every company from (1),
    /// are scored with <see cref="NameSimilarity"/> (bands in its remarks and on <see cref="ConfidencePolicy"/>).</para>
    /// <para><b>Inactive and non-Customer companies</b> are best indexed too (the cmdlets may pass only active
    /// ones, but then a look-alike of a deactivated customer can be auto-picked: on sandbox data, indexing all
    /// companies raises the precision of High by one to two points). They keep their name score less
    /// <see cref="InactivePenalty"/> or <see cref="NotCustomerPenalty"/>, both smaller than
    /// <see cref="ConfidencePolicy.HighMargin"/>: they rank after an equally close active customer and still
    /// count as a runner-up, so a deactivated "Contoso Ltd" keeps an active "Contoso Ltd." from being High.
    /// An inactive company is itself never High (see <see cref="ConfidencePolicy"/>).</para>
    /// <para><b>Cost.</b> Building is linear in the names (50,000 in about 0.2-0.3 s, some 30 MB retained). A query
    /// touches the postings of its words only; a <see cref="Searcher"/> reuses its working arrays from one
    /// query to the next. How a batch of customers is turned into confident suggestions is
    /// <see cref="BatchConfidence"/>'s job, not the index's.</para>
    /// </remarks>
    public sealed class CompanyNameIndex
    {
        /// <summary>Subtracted from the score of an inactive company (less than <see cref="ConfidencePolicy.HighMargin"/>: it orders, it does not hide).</summary>
        public const double InactivePenalty = 0.02;

        /// <summary>Subtracted from the score of a company whose type is not Customer (orders equally close names; never decides High).</summary>
        public const double NotCustomerPenalty = 0.01;

        /// <summary>How many companies (beyond the exact-letter ones) are scored in full per query.</summary>
        internal const int CandidateCount = 24;

        /// <summary>A word in more than this share of the companies is only walked when the name has no rarer one.</summary>
        internal const double CommonWordShare = 0.05;

        private const float FuzzyWeight = 0.7f;
        private const float ForcedMark = 1e6f;

        private readonly IndexedCompany[] _companies;
        private readonly ParsedName[] _names;
        private readonly float[] _companyWeight;

        private readonly Dictionary<string, int> _vocabulary;
        private readonly string[] _words;
        private readonly float[] _idf;
        private readonly float _unknownIdf;
        private readonly int[] _postingStart; // word id → start in _postings; length words + 1
        private readonly int[] _postings;     // company indexes
        private readonly int _commonDf;

        private readonly ulong[] _deletionKeys; // sorted
        private readonly int[] _deletionWords;  // word id per key

        private readonly MultiMap _byCompact;
        private readonly MultiMap _byAcronym;

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
        public CompanyNameIndex(IEnumerable<IndexedCompany> companies)
        {
            if (companies == null) throw new ArgumentNullException(nameof(companies));
            _companies = new List<IndexedCompany>(companies).ToArray();
            int n = _companies.Length;
            _names = new ParsedName[n];
            _vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
            var words = new List<string>();
            var df = new List<int>();
            var pairs = new List<long>(n * 3); // (word << 32) | company, for the postings

            for (int i = 0; i < n; i++)
            {
                ParsedName parsed = CompanyNameKey.Parse(_companies[i].Name);
                _names[i] = parsed;
                int firstPair = pairs.Count;
                foreach (NameForm form in parsed.Forms)
                {
                    var ids = new int[form.Tokens.Length];
                    for (int t = 0; t < ids.Length; t++)
                    {
                        string token = form.Tokens[t];
                        if (!_vocabulary.TryGetValue(token, out int id))
                        {
                            id = words.Count;
                            _vocabulary.Add(token, id);
                            words.Add(token);
                            df.Add(0);
                        }
                        form.Tokens[t] = words[id]; // share one string per word
                        ids[t] = id;
                        long pair = ((long)id << 32) | (uint)i;
                        if (pairs.IndexOf(pair, firstPair) < 0)
                        {
                            pairs.Add(pair);
                            df[id]++;
                        }
                    }
                    form.TokenIds = ids;
                }
            }

            _words = words.ToArray();
            int w = _words.Length;
            _idf = new float[w];
            for (int id = 0; id < w; id++) _idf[id] = (float)Math.Log(1.0 + (double)n / df[id]);
            _unknownIdf = (float)Math.Log(1.0 + Math.Max(1, n));
            _commonDf = Math.Max(50, (int)(n * CommonWordShare));

            // Postings in CSR form: counts, prefix sums, fill.
            _postingStart = new int[w + 1];
            for (int id = 0; id < w; id++) _postingStart[id + 1] = _postingStart[id] + df[id];
            _postings = new int[pairs.Count];
            var fill = new int[w];
            foreach (long pair in pairs)
            {
                int id = (int)(pair >> 32), company = (int)(pair & 0xFFFFFFFF);
                _postings[_postingStart[id] + fill[id]++] = company;
            }

            _companyWeight = new float[n];
            for (int i = 0; i < n; i++)
            {
                float sum = 0;
                foreach (int id in _names[i].Plain.TokenIds!) sum += _idf[id];
                _companyWeight[i] = sum;
            }

            BuildDeletions(out _deletionKeys, out _deletionWords);

            _byCompact = new MultiMap(n + n / 8);
            _byAcronym = new MultiMap(n / 4);
            for (int i = 0; i < n; i++)
            {
                foreach (NameForm form in _names[i].Forms)
                {
                    if (form.Compact.Length > 0) _byCompact.Add(form.Compact, i);
                    if (form.Acronym != null) _byAcronym.Add(form.Acronym, i);
                }
            }
        }

        /// <summary>Companies in the index.</summary>
        public int Count => _companies.Length;

        /// <summary>
        /// The companies closest to <paramref name="customerName"/>, best first, at most <paramref name="count"/>,
        /// each with a score in (0, 1] and a reason. Equal scores put active customers first, then order by name.
        /// Empty when nothing shares a word, a near-word or the letters with the name.
        /// </summary>
        public IReadOnlyList<CompanyMatch> Best(string? customerName, int count = 2) => NewSearcher().Best(customerName, count);

        /// <summary>
        /// A searcher for many queries on one thread: it keeps its working arrays (as long as the index has
        /// companies) from one query to the next. One per thread; the index itself is shared.
        /// </summary>
        public Searcher NewSearcher() => new Searcher(this);

        /// <summary>Runs <see cref="Best"/> queries with working arrays of its own; not for use by two threads at once.</summary>
        public sealed class Searcher
        {
            private readonly CompanyNameIndex _index;
            private readonly Scratch _scratch;

            internal Searcher(CompanyNameIndex index)
            {
                _index = index;
                _scratch = new Scratch(index._companies.Length);
            }

            /// <inheritdoc cref="CompanyNameIndex.Best"/>
            public IReadOnlyList<CompanyMatch> Best(string? customerName, int count = 2)
            {
                if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The number of matches cannot be negative.");
                ParsedName query = CompanyNameKey.Parse(customerName);
                if (count == 0 || query.IsEmpty || _index._companies.Length == 0) return Array.Empty<CompanyMatch>();
                foreach (NameForm form in query.Forms) form.TokenIds = _index.IdsOf(form.Tokens);
                try
                {
                    _index.CollectCandidates(query, _scratch);
                    return _index.Rank(query, _scratch, count);
                }
                finally
                {
                    _scratch.Reset();
                }
            }
        }

        private int[] IdsOf(string[] tokens)
        {
            var ids = new int[tokens.Length];
            for (int i = 0; i < tokens.Length; i++) ids[i] = _vocabulary.TryGetValue(tokens[i], out int id) ? id : -1;
            return ids;
        }

        private void CollectCandidates(ParsedName query, Scratch scratch)
        {
            // (1) Same letters: always candidates.
            foreach (NameForm form in query.Forms)
            {
                foreach (int company in _byCompact.Get(form.Compact)) scratch.Force(company);
                if (form.Acronym != null)
                    foreach (int company in _byCompact.Get(form.Acronym)) scratch.Force(company);
                if (form.Tokens.Length == 1)
                    foreach (int company in _byAcronym.Get(form.Compact)) scratch.Force(company);
            }

            // (2) and (3): words, exact then within one edit. A slot is a word position; its German spelling
            // shares the slot so a company is credited once per query word.
            NameForm plain = query.Plain;
            NameForm? german = query.German != null && query.German.Tokens.Length == plain.Tokens.Length ? query.German : null;
            int slots = plain.Tokens.Length;
            float queryWeight = 0;
            int rarest = -1, rarestDf = int.MaxValue;
            bool anyRare = false;
            for (int s = 0; s < slots; s++)
            {
                int df = MinDf(plain.TokenIds![s], german?.TokenIds![s] ?? -1);
                queryWeight += SlotWeight(plain.TokenIds![s], german?.TokenIds![s] ?? -1);
                if (df <= _commonDf) anyRare = true;
                if (df < rarestDf)
                {
                    rarestDf = df;
                    rarest = s;
                }
            }
            if (query.German != null && german == null)
                foreach (int id in query.German.TokenIds!) if (id >= 0 && Df(id) <= _commonDf) anyRare = true;
            scratch.QueryWeight = queryWeight;

            WalkSlots(plain, german, slots, s => !anyRare && s == rarest, scratch);
            // Nothing rare matched (the one rare word was a misspelling of a common one: "Logistcs Ltd"): walk everything.
            if (scratch.TouchedCount == 0 && slots > 0) WalkSlots(plain, german, slots, s => true, scratch);
            if (query.German != null && german == null)
            {
                // The German spelling split differently (rare): its words get slots of their own.
                for (int s = 0; s < query.German.Tokens.Length; s++)
                    Walk(query.German.Tokens[s], query.German.TokenIds![s], slots + s + 1, false, scratch);
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
        private void WalkSlots(NameForm plain, NameForm? german, int slots, Func<int, bool> walkCommon, Scratch scratch)
        {
            for (int s = 0; s < slots; s++)
            {
                bool common = walkCommon(s);
                Walk(plain.Tokens[s], plain.TokenIds![s], s + 1, common, scratch);
                if (german != null && german.Tokens[s] != plain.Tokens[s])
                    Walk(german.Tokens[s], german.TokenIds![s], s + 1, common, scratch);
            }
        }

        private int Df(int id) => _postingStart[id + 1] - _postingStart[id];

        private int MinDf(int a, int b)
        {
            int x = a >= 0 ? Df(a) : 0, y = b >= 0 ? Df(b) : 0;
            if (a < 0) return y;
            if (b < 0) return x;
            return Math.Min(x, y);
        }

        private float SlotWeight(int a, int b)
        {
            float x = a >= 0 ? _idf[a] : _unknownIdf, y = b >= 0 ? _idf[b] : _unknownIdf;
            if (b < 0 && a >= 0) return x;
            return Math.Max(x, y);
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
        private void Walk(string token, int id, int slot, bool walkCommon, Scratch scratch)
        {
            if (id >= 0 && (walkCommon || Df(id) <= _commonDf)) Credit(id, slot, _idf[id], scratch);
            if (token.Length < 4) return;

            // Words of the index one edit away: look up the word and each of its one-letter deletions.
            int found = 0;
            int[] near = scratch.Near;
            for (int skip = -1; skip < token.Length; skip++)
            {
                ulong key = Hash(token, skip);
                int at = LowerBound(_deletionKeys, key);
                for (; at < _deletionKeys.Length && _deletionKeys[at] == key; at++)
                {
                    int other = _deletionWords[at];
                    if (other == id || Array.IndexOf(near, other, 0, found) >= 0) continue;
                    if (found == near.Length) break;
                    if (BoundedOsa.Distance(token, _words[other], 1) > 1) continue;
                    near[found++] = other;
                }
            }
            for (int k = 0; k < found; k++)
            {
                int other = near[k];
                if (walkCommon || Df(other) <= _commonDf) Credit(other, slot, _idf[other] * FuzzyWeight, scratch);
            }
        }

        private void Credit(int id, int slot, float weight, Scratch scratch)
        {
            for (int p = _postingStart[id], end = _postingStart[id + 1]; p < end; p++)
                scratch.Add(_postings[p], slot, weight);
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
        private CompanyMatch[] Rank(ParsedName query, Scratch scratch, int count)
        {
            // Keep the CandidateCount best by weighted Dice in a small sorted array.
            int[] top = scratch.Top;
            float[] topScore = scratch.TopScore;
            int kept = 0;
            float queryWeight = scratch.QueryWeight;
            for (int t = 0; t < scratch.TouchedCount; t++)
            {
                int company = scratch.Touched[t];
                float acc = scratch.Accumulated[company];
                if (acc >= ForcedMark) continue; // added below
                float coarse = 2 * acc / (queryWeight + _companyWeight[company]);
                if (kept == top.Length && coarse <= topScore[kept - 1]) continue;
                int pos = kept < top.Length ? kept++ : kept - 1;
                while (pos > 0 && topScore[pos - 1] < coarse)
                {
                    top[pos] = top[pos - 1];
                    topScore[pos] = topScore[pos - 1];
                    pos--;
                }
                top[pos] = company;
                topScore[pos] = coarse;
            }
            // Every company with the same letters, however many, plus the best of the rest.
            var candidates = new List<int>(kept + scratch.Forced.Count);
            candidates.AddRange(scratch.Forced);
            for (int k = 0; k < kept; k++) candidates.Add(top[k]);

            var scored = new List<Scored>(candidates.Count);
            foreach (int company in candidates)
            {
                Similarity similarity = NameSimilarity.Compare(query, _names[company], _idf, _unknownIdf);
                if (similarity.Kind == SimilarityKind.None) continue;
                double score = similarity.Score;
                IndexedCompany info = _companies[company];
                if (!info.IsActive) score -= InactivePenalty;
                if (!info.IsCustomer) score -= NotCustomerPenalty;
                score = Math.Round(Math.Max(0, Math.Min(1, score)), 6);
                if (score <= 0) continue;
                scored.Add(new Scored(company, score, similarity));
            }
            scored.Sort(CompareScored);

            int take = Math.Min(count, scored.Count);
            var result = new CompanyMatch[take];
            for (int k = 0; k < take; k++)
            {
                Scored s = scored[k];
                IndexedCompany info = _companies[s.Company];
                string reason = NameSimilarity.Reason(s.Similarity, query, _names[s.Company]);
                if (!info.IsActive) reason += ", inactive";
                if (!info.IsCustomer) reason += ", not a customer";
                result[k] = new CompanyMatch(info.Id, info.Name, s.Score, reason, info.IsActive, info.IsCustomer);
            }
            return result;
        }

        private int CompareScored(Scored x, Scored y)
        {
            int byScore = y.Score.CompareTo(x.Score);
            if (byScore != 0) return byScore;
            IndexedCompany a = _companies[x.Company], b = _companies[y.Company];
            if (a.IsActive != b.IsActive) return a.IsActive ? -1 : 1;
            if (a.IsCustomer != b.IsCustomer) return a.IsCustomer ? -1 : 1;
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : a.Id.CompareTo(b.Id);
        }

        private readonly struct Scored
        {
            public Scored(int company, double score, Similarity similarity)
            {
                Company = company;
                Score = score;
                Similarity = similarity;
            }

            public int Company { get; }
            public double Score { get; }
            public Similarity Similarity { get; }
        }

        // ---- One-deletion neighbourhood -------------------------------------------------------------

        private void BuildDeletions(out ulong[] keys, out int[] wordIds)
        {
            int total = 0;
            foreach (string word in _words) if (word.Length >= 4) total += word.Length + 1;
            keys = new ulong[total];
            wordIds = new int[total];
            int at = 0;
            for (int id = 0; id < _words.Length; id++)
            {
                string word = _words[id];
                if (word.Length < 4) continue;
                for (int skip = -1; skip < word.Length; skip++)
                {
                    keys[at] = Hash(word, skip);
                    wordIds[at] = id;
                    at++;
                }
            }
            Array.Sort(keys, wordIds);
        }

        /// <summary>FNV-1a (64 bits) of <paramref name="word"/> without the letter at <paramref name="skip"/> (-1: whole word).</summary>
        private static ulong Hash(string word, int skip)
        {
            ulong hash = 14695981039346656037UL;
            for (int i = 0; i < word.Length; i++)
            {
                if (i == skip) continue;
                hash = (hash ^ word[i]) * 1099511628211UL;
            }
            return hash;
        }

        private static int LowerBound(ulong[] keys, ulong key)
        {
            int lo = 0, hi = keys.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >> 1;
                if (keys[mid] < key) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }

        // ---- A searcher's working arrays ------------------------------------------------------------

        /// <summary>Accumulators indexed by company, left clean after each query so the next one can reuse them.</summary>
        private sealed class Scratch
        {
            private readonly int[] _lastSlot;

            public Scratch(int size)
            {
                Accumulated = new float[size];
                _lastSlot = new int[size];
                Touched = new int[Math.Min(size, 1024)];
            }

            public readonly float[] Accumulated;
            public int[] Touched;
            public int TouchedCount;
            public float QueryWeight;
            public readonly int[] Near = new int[64];
            public readonly int[] Top = new int[CandidateCount];
            public readonly float[] TopScore = new float[CandidateCount];
            public readonly List<int> Forced = new List<int>();

            public void Force(int company)
            {
                if (Accumulated[company] >= ForcedMark) return;
                if (Accumulated[company] == 0) Touch(company);
                Accumulated[company] = ForcedMark;
                Forced.Add(company);
            }

            public void Add(int company, int slot, float weight)
            {
                if (_lastSlot[company] == slot) return; // this query word already credited this company
                _lastSlot[company] = slot;
                float before = Accumulated[company];
                if (before >= ForcedMark) return;
                if (before == 0) Touch(company);
                Accumulated[company] = before + weight;
            }

            private void Touch(int company)
            {
                if (TouchedCount == Touched.Length) Array.Resize(ref Touched, Touched.Length * 2);
                Touched[TouchedCount++] = company;
            }

            public void Reset()
            {
                for (int t = 0; t < TouchedCount; t++)
                {
                    int company = Touched[t];
                    Accumulated[company] = 0;
                    _lastSlot[company] = 0;
                }
                TouchedCount = 0;
                QueryWeight = 0;
                Forced.Clear();
            }
        }

        // ---- string → companies, without a list per key ------------------------------------------------

        /// <summary>A multi-valued map from a string to company indexes, as a dictionary of chain heads plus one "next" array.</summary>
        private sealed class MultiMap
        {
            private readonly Dictionary<string, int> _head;
            private readonly List<int> _value = new List<int>();
            private readonly List<int> _next = new List<int>();

            public MultiMap(int capacity) => _head = new Dictionary<string, int>(Math.Max(4, capacity), StringComparer.Ordinal);

            public void Add(string key, int company)
            {
                int head = _head.TryGetValue(key, out int h) ? h : -1;
                for (int node = head; node >= 0; node = _next[node])
                    if (_value[node] == company) return;
                _value.Add(company);
                _next.Add(head);
                _head[key] = _value.Count - 1;
            }

            public IEnumerable<int> Get(string key)
            {
                if (!_head.TryGetValue(key, out int node)) yield break;
                for (; node >= 0; node = _next[node]) yield return _value[node];
            }
        }
    }
}
