"""The demo shop's catalogue: categories, product kinds, option axes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kedai.catalog.models import (
    TaxClass,
)

# --- The shop's data ----------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """One option (Size, Colour, ...) and the values a product may offer.

    Each value is ``(label, sku_code, price_pct, weight_pct)``; the price and
    weight of a variant are the product's base scaled by the percentages.
    """

    name: str
    values: tuple[tuple[str, str, int, int], ...]
    ordered: bool  # pick a contiguous run (sizes) rather than a sample
    min_k: int
    max_k: int


SIZE = Axis("Size", (("S", "S", 100, 90), ("M", "M", 100, 100),
                      ("L", "L", 100, 110), ("XL", "XL", 108, 120)), True, 2, 4)
COLOUR = Axis("Colour", tuple((label, code, 100, 100) for label, code in (
    ("Blue", "BLU"), ("Maroon", "MRN"), ("Emerald", "EMR"), ("Black", "BLK"),
    ("Cream", "CRM"), ("Dusty Pink", "PNK"), ("Mustard", "MUS"), ("Navy", "NVY"),
    ("Grey", "GRY"), ("White", "WHT"), ("Gold", "GLD"), ("Purple", "PRP"),
    ("Teal", "TEL"),
)), False, 1, 3)
WEIGHT = Axis("Weight", (("250g", "250G", 100, 100), ("500g", "500G", 185, 195),
                          ("1kg", "1KG", 340, 380)), True, 2, 3)
GRIND = Axis("Grind", (("Whole bean", "BEAN", 100, 100),
                        ("Ground", "GRND", 100, 100)), False, 1, 2)
VOLUME = Axis("Size", (("30ml", "30ML", 100, 100), ("50ml", "50ML", 150, 150),
                        ("100ml", "100ML", 260, 280)), True, 2, 3)
SIZE3 = Axis("Size", (("Small", "S", 100, 100), ("Medium", "M", 140, 150),
                       ("Large", "L", 190, 210)), True, 2, 3)
BED = Axis("Bed size", (("Single", "SGL", 100, 100), ("Queen", "QN", 135, 140),
                         ("King", "KG", 160, 170)), True, 2, 3)
AGE = Axis("Age", (("1–2 years", "2Y", 100, 90), ("3–4 years", "4Y", 100, 100),
                    ("5–6 years", "6Y", 108, 110), ("7–8 years", "8Y", 115, 120)),
            True, 2, 4)
FORMAT = Axis("Format", (("Paperback", "PB", 100, 100),
                          ("Hardcover", "HB", 160, 140)), False, 2, 2)
PACK = Axis("Pack", (("Pack of 10", "P10", 100, 100), ("Pack of 20", "P20", 180, 190),
                      ("Pack of 50", "P50", 400, 450)), True, 2, 3)


@dataclass(frozen=True)
class Kind:
    """A family of products inside a category, e.g. batik shirts."""

    code: str  # three letters, the middle of every SKU
    names: tuple[str, ...]
    qualifiers: tuple[str, ...]
    axes: tuple[Axis, ...]
    single: float  # share of products sold as one default variant
    price: tuple[int, int]  # whole ringgit, before options
    grams: int
    dims: tuple[int, int, int]  # length, width, height in cm
    blurb: str
    features: tuple[str, ...]
    origins: tuple[str, ...]
    care: str = ""
    tax: str = "none"
    sizes_in_name: tuple[str, ...] = ()  # e.g. "250g" for single variants


@dataclass(frozen=True)
class Leaf:
    name: str
    slug: str
    kinds: tuple[Kind, ...]
    weight: int = 2  # how often it is picked after the first round


@dataclass(frozen=True)
class Root:
    name: str
    slug: str
    description: str
    colour: str
    leaves: tuple[Leaf, ...]


EAST = ("Kota Bharu, Kelantan", "Kuala Terengganu", "Marang, Terengganu")
ANY = ("Melaka", "Ipoh, Perak", "Kuching, Sarawak", "Alor Setar, Kedah",
        "Seremban, Negeri Sembilan", "George Town, Penang", "Johor Bahru")
HAND_WASH = "Hand wash cold, dry in the shade, iron on low."

TREE: tuple[Root, ...] = (
    Root("Fashion", "fashion", "Baju kurung, baju Melayu, batik and tudung.",
          "#7a1f3d", (
        Leaf("Baju Kurung", "baju-kurung", (Kind(
            "BKR", ("Baju Kurung Moden", "Baju Kurung Pahang", "Baju Kurung Johor",
                    "Kurung Kedah", "Kebaya Nyonya", "Kurung Riau"),
            ("Sutera", "Cotton Batik", "Songket", "Satin Silk", "Lace", "Crepe",
             "Chiffon"), (SIZE, COLOUR), 0.05, (89, 459), 450, (35, 28, 4),
            "A graceful two-piece cut with a flowing kain",
            ("Lined bodice, breathable sleeves", "Hidden side pocket",
             "Kain with an elastic back waist", "Tailored in small batches"),
            EAST + ("Melaka",), HAND_WASH),), 3),
        Leaf("Baju Melayu", "baju-melayu", (Kind(
            "BML", ("Baju Melayu Cekak Musang", "Baju Melayu Teluk Belanga",
                    "Baju Melayu Slim Fit", "Baju Melayu Johor Moden"),
            ("Cotton", "Satin", "Linen", "Premium", "Set Sampin"),
            (SIZE, COLOUR), 0.05, (99, 389), 520, (36, 28, 5),
            "Crisp, comfortable and ready for Hari Raya prayers",
            ("Five-button cekak musang collar", "Matching trousers included",
             "Pre-washed so it will not shrink", "Deep side pockets"),
            ANY, HAND_WASH),)),
        Leaf("Batik", "batik", (
            Kind("BTK", ("Kemeja Batik", "Batik Shirt Lengan Pendek",
                          "Batik Shirt Lengan Panjang"),
                  ("Bunga Raya", "Pucuk Rebung", "Awan Larat", "Sisik Ikan",
                   "Bunga Cengkih", "Daun Sirih", "Kerawang"),
                  (SIZE, COLOUR), 0.05, (79, 289), 300, (32, 25, 3),
                  "Hand-drawn canting batik on a breathable cotton base",
                  ("Every piece is slightly different", "Colour-fast dyes",
                   "Coconut-shell buttons", "Relaxed office fit"),
                  EAST, HAND_WASH),
            Kind("SRG", ("Batik Sarong", "Kain Batik Lepas", "Kain Pelikat"),
                  ("Sutera", "Cotton", "Rayon", "Voile", "Petak Klasik"),
                  (COLOUR,), 0.3, (39, 259), 350, (30, 22, 3),
                  "Two metres of soft, hand-stamped batik",
                  ("Pre-sewn sarong tube", "Blocked with copper cap stamps",
                   "Gets softer with every wash", "Gift-wrapped on request"),
                  EAST, HAND_WASH),
        ), 3),
        Leaf("Tudung & Scarves", "tudung-scarves", (Kind(
            "TDG", ("Tudung Bawal", "Shawl Chiffon", "Tudung Sarung", "Bawal Satin",
                    "Shawl Batik"),
            ("Bunga Raya", "Plain", "Premium", "Lace Edge", "Printed", ""),
            (COLOUR,), 0.1, (19, 89), 120, (25, 20, 2),
            "Light, opaque and easy to style",
            ("Non-slip texture", "Double-loop stitched edges", "Does not crease",
             "Fits most faces"), ANY, "Hand wash, cool iron."),)),
    )),
    Root("Food & Drinks", "food-drinks", "Kuih, coffee, tea and sambal from "
          "home kitchens across Malaysia.", "#8a4b12", (
        Leaf("Kuih & Snacks", "kuih-snacks", (Kind(
            "KUI", ("Dodol Durian", "Dodol Pulut Hitam", "Kuih Bangkit Santan",
                    "Kuih Makmur", "Kerepek Pisang Tanduk", "Kerepek Ubi Pedas",
                    "Rempeyek Kacang", "Tart Nenas Gulung", "Kuih Kapit",
                    "Biskut Suji", "Amplang Tawau", "Keropok Lekor Kering"),
            ("", "", "Original", "Homemade", "Rangup", "Premium"),
            (WEIGHT,), 0.4, (8, 45), 280, (18, 12, 8),
            "Made by hand the old way, with no preservatives",
            ("Halal certified kitchen", "Best within 3 months",
             "Sealed airtight jar", "Perfect for open house"),
            ("Melaka", "Muar, Johor", "Tawau, Sabah", "Kuala Terengganu"),
            "Keep in a cool, dry place.", sizes_in_name=("200g", "250g", "400g")),),
            3),
        Leaf("Coffee & Tea", "coffee-tea", (
            Kind("KOP", ("Kopi Tenom Arabica", "Kopi Tenom Robusta", "Kopi Kampung",
                          "Kopi Liberica Johor", "White Coffee Ipoh",
                          "Kopi Kluang Tradisional"),
                  ("", "", "Dark Roast", "Medium Roast", "Single Origin"),
                  (WEIGHT, GRIND), 0.35, (12, 69), 260, (20, 12, 6),
                  "Roasted the week it ships",
                  ("Roasted with a little butter and sugar, kopitiam style",
                   "One-way valve bag", "Brew in a sock filter or a French press",
                   "Traceable to the estate"),
                  ("Tenom, Sabah", "Kluang, Johor", "Ipoh, Perak"),
                  "Store sealed, away from sunlight.", "sales-5", ("250g", "500g")),
            Kind("TEH", ("Teh Cameron Highlands", "Teh Sabah Organik",
                          "Teh Tarik Pracampur", "Teh Halia", "Teh Serai"),
                  ("", "", "Daun Longgar", "Uncang", "Premium"),
                  (WEIGHT,), 0.5, (9, 49), 220, (18, 10, 6),
                  "Grown on highland estates and packed fresh",
                  ("Strong enough for teh tarik", "Resealable pouch",
                   "No artificial flavouring", "Traceable to the estate"),
                  ("Cameron Highlands, Pahang", "Ranau, Sabah"),
                  "Store sealed, away from sunlight.", sizes_in_name=("100g", "250g")),
        )),
        Leaf("Sambal & Sauces", "sambal-sauces", (Kind(
            "SBL", ("Sambal Tumis Ikan Bilis", "Sambal Belacan", "Sambal Hitam Pahang",
                    "Cili Api Garing", "Kicap Manis", "Budu Kelantan",
                    "Cincalok Melaka", "Serunding Daging", "Serunding Kelapa",
                    "Pes Rendang Tok"),
            ("", "Pedas", "Extra Pedas", "Homemade", "Original"),
            (WEIGHT,), 0.5, (9, 39), 300, (10, 10, 12),
            "Cooked slowly in small pots",
            ("No MSG", "Glass jar", "Refrigerate after opening",
             "Great with nasi lemak"),
            ("Pekan, Pahang", "Kota Bharu, Kelantan", "Melaka", "Batu Pahat, Johor"),
            "Refrigerate after opening.", sizes_in_name=("200g", "330g")),)),
    )),
    Root("Home & Living", "home-living", "Kitchenware, décor and linens with "
          "a local touch.", "#2f5d50", (
        Leaf("Kitchen", "kitchen", (Kind(
            "DPR", ("Periuk Tanah Liat", "Lesung Batu Granit", "Kuali Besi",
                    "Tudung Saji Mengkuang", "Acuan Kuih Loyang", "Tingkat Tiffin",
                    "Pinggan Enamel", "Cawan Enamel", "Sudip Kayu Jati"),
            ("", "Klasik", "Tradisional", "Set"),
            (SIZE3,), 0.5, (15, 189), 900, (30, 30, 15),
            "Built for everyday cooking, not for the shelf",
            ("Food safe", "Hand finished", "Seasoned before shipping",
             "Lasts for years"), ANY, "Wash by hand and dry at once."),)),
        Leaf("Décor", "decor", (Kind(
            "DEC", ("Bantal Hiasan Songket", "Pelita Tembaga", "Bingkai Khat",
                    "Wau Bulan Hiasan", "Tikar Mengkuang", "Pasu Seramik Batik",
                    "Cermin Ukiran Kayu"),
            ("", "Kecil", "Besar", "Premium"),
            (COLOUR,), 0.5, (29, 399), 1200, (40, 30, 10),
            "A quiet piece of heritage for the living room",
            ("Ready to hang or place", "Made by a family workshop",
             "Signed by the maker", "Comes in a gift box"), ANY),)),
        Leaf("Bed & Bath", "bed-bath", (Kind(
            "LIN", ("Cadar Batik", "Selimut Kapas", "Tuala Mandi",
                    "Sarung Bantal Batik"),
            ("Bunga Raya", "Pucuk Rebung", "Plain", "Premium"),
            (BED, COLOUR), 0.2, (39, 259), 1100, (40, 30, 8),
            "Soft cotton that breathes in the heat",
            ("400 thread count", "Fitted sheet with deep pockets",
             "Pillowcases included", "Colour-fast"), ANY,
            "Machine wash warm, tumble dry low."),)),
    )),
    Root("Crafts", "crafts", "Songket, woodcarving and pottery by master "
          "craftspeople.", "#6b4c9a", (
        Leaf("Songket & Weaving", "songket-weaving", (Kind(
            "SGK", ("Kain Songket", "Songket Tenun Tangan", "Sampin Songket",
                    "Pua Kumbu", "Tenun Pahang"),
            ("Bunga Tabur", "Pucuk Rebung", "Teluk Berantai", "Bunga Penuh",
             "Tampuk Manggis"),
            (COLOUR,), 0.6, (180, 1890), 600, (40, 30, 4),
            "Hand-woven on a traditional kek loom with gold thread",
            ("Weeks of work on one piece", "Certificate of origin",
             "Gold and silver thread", "Stored in an acid-free box"),
            ("Kuala Terengganu", "Pekan, Pahang", "Kuching, Sarawak"),
            "Dry clean only."),), 1),
        Leaf("Woodcraft", "woodcraft", (Kind(
            "KYU", ("Ukiran Kayu Cengal", "Kotak Barang Kemas Kayu", "Wau Kayu Mini",
                    "Keris Hiasan", "Congkak Kayu Jati", "Gasing Uri"),
            ("", "Ukiran Tangan", "Kecil", "Besar"),
            (), 1.0, (25, 690), 1500, (40, 20, 10),
            "Carved by hand from sustainably felled timber",
            ("Finished with natural oil", "Motifs from the Malay woodcarving "
             "tradition", "Each piece is unique", "Signed by the carver"),
            ("Besut, Terengganu", "Kota Bharu, Kelantan", "Jepara workshop, Johor"),
            "Dust with a dry cloth."),), 1),
        Leaf("Pottery", "pottery", (Kind(
            "TBR", ("Labu Sayong", "Pasu Tembikar Mambong", "Terenang Seramik",
                    "Piring Tembikar", "Bekas Lilin Tanah Liat"),
            ("", "Hitam", "Tradisional", "Ukiran"),
            (SIZE3,), 0.5, (19, 259), 1300, (25, 25, 30),
            "Shaped from Sayong river clay and fired in a wood kiln",
            ("Keeps water cool naturally", "Hand burnished",
             "Packed in double boxes", "Every glaze is unique"),
            ("Kuala Kangsar, Perak", "Mambong, Sarawak"),
            "Not dishwasher safe."),), 1),
    )),
    Root("Beauty & Wellness", "beauty-wellness", "Natural skincare, jamu and "
          "attar.", "#b0416f", (
        Leaf("Skincare", "skincare", (Kind(
            "SKN", ("Sabun Susu Kambing", "Sabun Serai Wangi", "Serum Bunga Raya",
                    "Krim Bengkoang", "Bedak Sejuk", "Minyak Kelapa Dara"),
            ("", "Organik", "Sensitive", "Original"),
            (VOLUME,), 0.4, (9, 129), 150, (12, 6, 6),
            "Gentle, plant-based and made in small batches",
            ("No parabens", "Cruelty free", "Dermatologically tested",
             "Recyclable bottle"), ANY, "Store below 30 °C."),)),
        Leaf("Herbal & Jamu", "herbal-jamu", (Kind(
            "JMU", ("Minyak Gamat Langkawi", "Jamu Kunyit Asam", "Minyak Urut Halia",
                    "Madu Kelulut", "Air Misai Kucing", "Minyak Lintah"),
            ("", "Asli", "Premium", "Original"),
            (VOLUME,), 0.4, (12, 159), 200, (12, 6, 6),
            "Traditional recipes, registered and tested",
            ("KKM registered", "No added sugar", "Glass bottle",
             "Sealed for freshness"),
            ("Langkawi, Kedah", "Kota Bharu, Kelantan", "Ipoh, Perak"),
            "Keep away from children."),)),
        Leaf("Fragrance", "fragrance", (Kind(
            "ATR", ("Attar Oud", "Minyak Wangi Kasturi", "Perfume Oil Melur",
                    "Eau de Parfum Kenanga", "Bukhur Gaharu"),
            ("", "Royal", "Signature", "Classic"),
            (VOLUME,), 0.3, (25, 389), 180, (10, 6, 6),
            "Blended in Kampung Baru from oils aged for a year",
            ("Alcohol free", "Long-lasting", "Roll-on applicator",
             "Comes in a velvet pouch"), ("Kuala Lumpur", "Melaka"),
            tax="sales-10"),), 1),
    )),
    Root("Kids & Baby", "kids-baby", "Festive clothes and traditional games for "
          "little ones.", "#d9822b", (
        Leaf("Kids' Clothing", "kids-clothing", (Kind(
            "KDS", ("Baju Kurung Kanak-kanak", "Baju Melayu Budak",
                    "Romper Batik Bayi", "Jubah Kanak-kanak"),
            ("Cotton", "Satin", "Batik", ""),
            (AGE, COLOUR), 0.05, (35, 129), 220, (28, 22, 3),
            "Soft, sturdy and made for running around at open houses",
            ("Tag-free neckline", "Easy buttons", "Cotton lining",
             "Matching family sets available"), ANY, HAND_WASH),)),
        Leaf("Toys & Games", "toys-games", (Kind(
            "MNN", ("Congkak Mini", "Gasing Pangkah", "Batu Seremban Set",
                    "Wau Kertas", "Puzzle Kayu Peta Malaysia", "Sepak Raga Rotan Mini"),
            ("", "Set Keluarga", "Warna-warni"),
            (), 1.0, (9, 89), 400, (25, 15, 8),
            "Traditional games that get everyone off their phones",
            ("Rules card in Malay and English", "Non-toxic paint", "Ages 5 and up",
             "Gift box"), ANY),), 1),
    )),
    Root("Books & Stationery", "books-stationery", "Recipes, stories, "
          "calligraphy and greeting cards.", "#34558b", (
        Leaf("Books", "books", (Kind(
            "BKU", ("Buku Resepi Nyonya", "Panduan Batik Malaysia",
                    "Hikayat Hang Tuah Bergambar", "Buku Mewarna Wau",
                    "Pantun Warisan", "Kamus Dwibahasa Saku", "Resepi Kuih Raya"),
            ("", "Edisi Kedua", "Edisi Istimewa"),
            (FORMAT,), 0.6, (19, 129), 450, (23, 15, 3),
            "Written and illustrated by Malaysian authors",
            ("Full-colour photographs", "Bilingual text", "Sewn binding",
             "Signed copies while stocks last"), ("Kuala Lumpur", "Petaling Jaya"),
            tax="none"),), 1),
        Leaf("Stationery", "stationery", (Kind(
            "ATK", ("Buku Nota Batik A5", "Set Pen Kaligrafi Jawi",
                    "Kad Ucapan Hari Raya", "Sampul Duit Raya", "Penanda Buku Songket"),
            ("", "Klasik", "Moden", "Emas"),
            (PACK,), 0.5, (5, 49), 100, (22, 15, 2),
            "Paper goods with patterns from our batik archive",
            ("FSC certified paper", "Foil stamped", "Envelopes included",
             "Designed in Kuala Lumpur"), ("Kuala Lumpur",)),)),
    )),
    Root("Festive", "festive", "Everything for Hari Raya, Chinese New Year and "
          "Deepavali.", "#a52a2a", (
        Leaf("Hari Raya", "hari-raya", (Kind(
            "RAY", ("Pelita Raya Buluh", "Ketupat Anyaman Hiasan", "Hamper Raya",
                    "Lampu Lip Lap Ketupat", "Set Sampul Duit Raya"),
            ("", "Mewah", "Klasik", "Keluarga"),
            (COLOUR,), 0.6, (15, 399), 800, (35, 30, 20),
            "Make the house glow for Syawal",
            ("Ready to use", "Safe for indoor use", "Reusable year after year",
             "Ships before the festive rush"), ANY),)),
        Leaf("Chinese New Year", "chinese-new-year", (Kind(
            "CNY", ("Tanglung Sutera Merah", "Sampul Ang Pow Emas",
                    "Hamper Tahun Baru Cina", "Kuih Bangkit Tahun Baru",
                    "Hiasan Bunga Plum"),
            ("", "Mewah", "Klasik", "Keluarga"),
            (), 1.0, (12, 399), 700, (35, 30, 20),
            "Red and gold for a prosperous new year",
            ("Auspicious motifs", "Gift box included", "Reusable",
             "Ships before the festive rush"), ("George Town, Penang", "Ipoh, Perak",
                                               "Melaka"),),), 1),
        Leaf("Deepavali", "deepavali", (Kind(
            "DPV", ("Set Stensil Kolam", "Pelita Diya Tanah Liat", "Murukku Rangup",
                    "Lampu Diya Tembaga", "Set Serbuk Rangoli"),
            ("", "Mewah", "Klasik", "Keluarga"),
            (), 1.0, (9, 199), 500, (30, 20, 10),
            "Light up the festival of lights",
            ("Hand painted", "Gift ready", "Traditional designs",
             "Ships before the festive rush"), ("Brickfields, Kuala Lumpur", "Klang",
                                               "Ipoh, Perak")),), 1),
    )),
    Root("Bags & Accessories", "bags-accessories", "Handbags, wallets and "
          "phone cases in batik and songket.", "#3e6b8a", (
        Leaf("Bags & Wallets", "bags-wallets", (Kind(
            "BEG", ("Beg Tangan Songket", "Dompet Batik", "Tote Bag Mengkuang",
                    "Beg Galas Kanvas Batik", "Clutch Tenun Pahang"),
            ("", "Kecil", "Besar", "Premium"),
            (COLOUR,), 0.3, (29, 289), 450, (30, 25, 10),
            "Sturdy everyday bags trimmed with local textiles",
            ("Lined interior with zip pocket", "Vegan leather trim",
             "Magnetic clasp", "Fits a 13-inch laptop"), ANY),)),
        Leaf("Phone Accessories", "phone-accessories", (Kind(
            "GAD", ("Sarung Telefon Batik", "Powerbank 10000mAh Songket",
                    "Kabel USB-C Anyaman", "Pemegang Telefon Kayu", "Sarung Earbud"),
            ("", "Slim", "Pro"),
            (COLOUR,), 0.4, (15, 149), 150, (18, 10, 3),
            "Tech accessories with a batik twist",
            ("SIRIM certified", "12-month warranty", "Drop tested",
             "Fits most phones"), ("Shah Alam, Selangor", "Penang"),
            tax="sales-10"),), 1),
    )),
    Root("Sports & Outdoor", "sports-outdoor", "Sepak takraw, badminton and "
          "weekend camping.", "#4d7c2a", (
        Leaf("Sepak Takraw & Badminton", "takraw-badminton", (Kind(
            "SPT", ("Bola Takraw Sintetik", "Raket Badminton", "Shuttlecock Bulu Angsa",
                    "Jaring Badminton", "Beg Raket"),
            ("", "Pro", "Latihan", "Kejohanan"),
            (), 1.0, (19, 459), 350, (70, 25, 5),
            "Match quality gear used by local clubs",
            ("Tournament approved", "Ergonomic grip", "Carry bag included",
             "12-month warranty"), ("Kuala Lumpur", "Johor Bahru"),
            tax="sales-10"),), 1),
        Leaf("Jerseys", "jerseys", (Kind(
            "JRS", ("Jersi Harimau Malaya", "Jersi Larian Batik",
                    "Jersi Sepak Takraw"),
            ("Home", "Away", "Edisi Merdeka"),
            (SIZE, COLOUR), 0.05, (49, 199), 250, (30, 25, 2),
            "Quick-dry fabric for the humid tropics",
            ("Moisture wicking", "UV protection", "Reflective trims",
             "Printed, not stitched, number"), ("Kuala Lumpur", "Penang")),), 1),
    )),
)

TAX_CLASSES: tuple[tuple[str, str, str, Decimal], ...] = (
    ("none", "No tax", TaxClass.Kind.NONE, Decimal("0")),
    ("sales-5", "Sales tax 5%", TaxClass.Kind.SALES, Decimal("5")),
    ("sales-10", "Sales tax 10%", TaxClass.Kind.SALES, Decimal("10")),
    ("service-8", "Service tax 8%", TaxClass.Kind.SERVICE, Decimal("8")),
)

FEATURED_CATEGORIES = ("fashion", "food-drinks", "crafts", "home-living")
FEATURED_PRODUCTS = 8
PALETTE = ("#7a1f3d", "#8a4b12", "#2f5d50", "#6b4c9a", "#b0416f", "#d9822b",
            "#34558b", "#a52a2a", "#3e6b8a", "#4d7c2a", "#1f6f8b", "#9c6644",
            "#5b3a29", "#2d6a4f", "#7b2cbf", "#c44536")
# Weighted towards the .90 endings Malaysian shops favour.
ENDINGS = (".90", ".90", ".90", ".90", ".90", ".00", ".00", ".00", ".50", ".50")
INTROS = (
    "**{name}**: {blurb}, from makers in {origin}.",
    "{blurb}. Our **{name}** comes straight from {origin}.",
    "Made in small batches in {origin}. {blurb}.",
    "A favourite with our regulars. {blurb}, sourced from {origin}.",
)
CLOSINGS = (
    "Ships within two working days from our store in Kuala Lumpur.",
    "Free delivery in Peninsular Malaysia for orders above RM150.",
    "Questions? Message us and the maker will answer.",
    "",
)



# Prices (whole ringgit, before options) of products whose family spans
# very different things: a USB cable is not priced like a powerbank.
NAME_PRICES: dict[str, tuple[int, int]] = {
    # Phone accessories
    "Sarung Telefon Batik": (25, 59), "Powerbank 10000mAh Songket": (69, 149),
    "Kabel USB-C Anyaman": (15, 35), "Pemegang Telefon Kayu": (19, 45),
    "Sarung Earbud": (15, 39),
    # Sepak takraw and badminton
    "Bola Takraw Sintetik": (25, 69), "Raket Badminton": (89, 459),
    "Shuttlecock Bulu Angsa": (45, 109), "Jaring Badminton": (49, 139),
    "Beg Raket": (59, 189),
    # Décor
    "Bantal Hiasan Songket": (39, 99), "Pelita Tembaga": (59, 229),
    "Bingkai Khat": (49, 259), "Wau Bulan Hiasan": (89, 399),
    "Tikar Mengkuang": (39, 159), "Pasu Seramik Batik": (49, 199),
    "Cermin Ukiran Kayu": (129, 399),
    # Woodcraft
    "Ukiran Kayu Cengal": (190, 690), "Kotak Barang Kemas Kayu": (59, 189),
    "Wau Kayu Mini": (25, 69), "Keris Hiasan": (190, 690),
    "Congkak Kayu Jati": (89, 289), "Gasing Uri": (25, 79),
    # Kitchen
    "Periuk Tanah Liat": (39, 129), "Lesung Batu Granit": (49, 159),
    "Kuali Besi": (59, 189), "Tudung Saji Mengkuang": (25, 69),
    "Acuan Kuih Loyang": (15, 49), "Tingkat Tiffin": (39, 129),
    "Pinggan Enamel": (15, 49), "Cawan Enamel": (12, 35), "Sudip Kayu Jati": (12, 35),
    # Songket and weaving
    "Kain Songket": (380, 1890), "Songket Tenun Tangan": (480, 1890),
    "Sampin Songket": (180, 690), "Pua Kumbu": (290, 1290), "Tenun Pahang": (180, 590),
    # Festive
    "Pelita Raya Buluh": (15, 45), "Ketupat Anyaman Hiasan": (15, 45),
    "Hamper Raya": (129, 399), "Lampu Lip Lap Ketupat": (19, 59),
    "Set Sampul Duit Raya": (9, 25), "Tanglung Sutera Merah": (29, 129),
    "Sampul Ang Pow Emas": (9, 25), "Hamper Tahun Baru Cina": (129, 399),
    "Kuih Bangkit Tahun Baru": (19, 45), "Hiasan Bunga Plum": (39, 159),
    "Set Stensil Kolam": (15, 39), "Pelita Diya Tanah Liat": (9, 35),
    "Murukku Rangup": (12, 35), "Lampu Diya Tembaga": (39, 199),
    "Set Serbuk Rangoli": (15, 45),
    # Bags
    "Dompet Batik": (29, 89), "Beg Tangan Songket": (129, 289),
    # Toys
    "Congkak Mini": (25, 69), "Puzzle Kayu Peta Malaysia": (35, 89),
    "Gasing Pangkah": (15, 45), "Batu Seremban Set": (9, 25), "Wau Kertas": (9, 29),
    "Sepak Raga Rotan Mini": (19, 49),
    # Skincare and jamu
    "Sabun Susu Kambing": (9, 25), "Sabun Serai Wangi": (9, 25),
    "Serum Bunga Raya": (39, 129), "Krim Bengkoang": (19, 69), "Bedak Sejuk": (8, 19),
    "Minyak Kelapa Dara": (15, 45), "Minyak Gamat Langkawi": (15, 59),
    "Jamu Kunyit Asam": (15, 39), "Minyak Urut Halia": (12, 35),
    "Madu Kelulut": (39, 159), "Air Misai Kucing": (12, 29), "Minyak Lintah": (15, 49),
    # Tea
    "Teh Cameron Highlands": (12, 39), "Teh Sabah Organik": (15, 45),
    "Teh Tarik Pracampur": (12, 29), "Teh Halia": (9, 25), "Teh Serai": (9, 25),
    # Books and stationery
    "Buku Resepi Nyonya": (39, 129), "Panduan Batik Malaysia": (49, 129),
    "Hikayat Hang Tuah Bergambar": (29, 89), "Buku Mewarna Wau": (12, 29),
    "Pantun Warisan": (25, 59), "Kamus Dwibahasa Saku": (19, 45),
    "Resepi Kuih Raya": (29, 69), "Buku Nota Batik A5": (12, 39),
    "Set Pen Kaligrafi Jawi": (19, 59), "Kad Ucapan Hari Raya": (5, 19),
    "Sampul Duit Raya": (5, 15), "Penanda Buku Songket": (5, 19),
}
# Words that tell two products of the same name and pattern apart, in the
# way Malaysian shops name their lines.
NAME_EDITIONS = ("Klasik", "Moden", "Warisan", "Istimewa", "Eksklusif", "Asli",
                 "Harian", "Mewah", "Lestari", "Signature")
