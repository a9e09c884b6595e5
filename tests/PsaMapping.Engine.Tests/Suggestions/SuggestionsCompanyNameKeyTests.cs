using PsaMapping.Engine.Suggestions;

namespace PsaMapping.Engine.Tests
{
    public sealed class SuggestionsCompanyNameKeyTests
    {
        [Theory]
        [InlineData("Contoso Ltd")]
        [InlineData("Contoso Limited")]
        [InlineData("CONTOSO LTD.")]
        [InlineData("Contoso, Ltd")]
        [InlineData("Contoso Ltée")]
        [InlineData("  contoso   ltd  ")]
        public void Spellings_of_Ltd_share_the_core_and_the_legal_form(string name)
        {
            Assert.Equal("contoso", CompanyNameKey.Core(name));
            Assert.Equal("ltd", CompanyNameKey.LegalForm(name));
        }

        [Theory]
        [InlineData("Acme S.A.", "acme", "sa")]
        [InlineData("Acme SA", "acme", "sa")]
        [InlineData("Wide World Importers B.V.", "wide world importers", "bv")]
        [InlineData("Adventure Works L.L.C.", "adventure works", "llc")]
        [InlineData("Fabrikam, Inc.", "fabrikam", "inc")]
        [InlineData("Fabrikam Incorporated", "fabrikam", "inc")]
        [InlineData("Tailspin Toys Pty. Ltd.", "tailspin toys", "pty ltd")]
        [InlineData("Tailspin Toys Pty Limited", "tailspin toys", "pty ltd")]
        [InlineData("Asahi Trading Co., Ltd.", "asahi trading", "co ltd")]
        [InlineData("Müller Maschinenbau GmbH", "muller maschinenbau", "gmbh")]
        [InlineData("Müller GmbH & Co. KG", "muller", "gmbh co kg")]
        [InlineData("Krüger Logistik UG (haftungsbeschränkt)", "kruger logistik", "ug")]
        [InlineData("Nowak Transport Sp. z o.o.", "nowak transport", "spzoo")]
        [InlineData("Nowak Transport Sp z oo", "nowak transport", "spzoo")]
        [InlineData("Rossi Costruzioni S.r.l.", "rossi costruzioni", "srl")]
        [InlineData("Kaya Tekstil Ltd. Şti.", "kaya tekstil", "ltdsti")]
        [InlineData("Lindqvist Bygg Aktiebolag", "lindqvist bygg", "ab")]
        [InlineData("Østergaard A/S", "ostergaard", "as")]
        [InlineData("Sharma Pharma Private Limited", "sharma pharma", "pvt ltd")]
        [InlineData("Northwind Traders", "northwind traders", "")]
        public void Legal_suffixes_are_removed_and_named(string name, string core, string legalForm)
        {
            Assert.Equal(core, CompanyNameKey.Core(name));
            Assert.Equal(legalForm, CompanyNameKey.LegalForm(name));
        }

        [Fact]
        public void Transliterated_umlauts_meet_the_original()
        {
            Assert.True(CompanyNameKey.SameCore("Müller GmbH", "Mueller"));
            Assert.True(CompanyNameKey.SameCore("Müller GmbH", "MULLER"));
            Assert.True(CompanyNameKey.SameCore("Straße Bau AG", "Strasse Bau"));
            Assert.Equal(new[] { "muller", "mueller" }, CompanyNameKey.CoreVariants("Müller GmbH"));
            Assert.Equal(new[] { "mueller" }, CompanyNameKey.CoreVariants("Mueller"));
        }

        [Fact]
        public void Ampersand_and_Co_are_the_same_as_and()
        {
            Assert.Equal("a and b", CompanyNameKey.Core("A & B Co"));
            Assert.Equal("a and b", CompanyNameKey.Core("A and B"));
            Assert.Equal("smith", CompanyNameKey.Core("Smith & Co."));
            Assert.True(CompanyNameKey.SameCore("A & B Co", "A and B"));
        }

        [Fact]
        public void Initials_abbreviations_and_a_leading_the_do_not_matter()
        {
            Assert.Equal(CompanyNameKey.Core("JK Smith"), CompanyNameKey.Core("J.K. Smith"));
            Assert.Equal(CompanyNameKey.Core("Smith Engineering Services"), CompanyNameKey.Core("Smith Eng. Svcs"));
            Assert.Equal(CompanyNameKey.Core("Contoso Group"), CompanyNameKey.Core("The Contoso Group"));
            Assert.True(CompanyNameKey.SameCore("O'Neill Bakery", "O Neill Bakery")); // spacing
        }

        [Fact]
        public void Word_order_and_typos_are_not_part_of_the_key()
        {
            // The key only removes what never distinguishes two businesses; the index scores order and typos.
            Assert.False(CompanyNameKey.SameCore("Maschinenbau Müller GmbH", "Müller Maschinenbau GmbH"));
            Assert.Equal(new[] { "maschinenbau", "muller" }, CompanyNameKey.Tokens("Maschinenbau Müller GmbH"));
            Assert.False(CompanyNameKey.SameCore("Contoso", "Contsoo"));
        }

        [Fact]
        public void A_name_that_is_only_a_legal_form_keeps_its_word()
        {
            Assert.Equal("limited", CompanyNameKey.Core("Limited"));
            Assert.Equal("company", CompanyNameKey.Core("The Company"));
            Assert.Equal("", CompanyNameKey.LegalForm("Limited"));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("...")]
        public void Empty_names_have_an_empty_key(string? name)
        {
            Assert.Equal("", CompanyNameKey.Core(name));
            Assert.Equal("", CompanyNameKey.LegalForm(name));
            Assert.False(CompanyNameKey.SameCore(name, name));
        }
    }
}
