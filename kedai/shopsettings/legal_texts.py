"""Starting texts of the shop's trust pages, in English and Malay.

They are a sensible start, not legal advice: the owner reads and edits
them on /office/settings/pages/. ``{shop}``, ``{legal_name}``,
``{registration}``, ``{address}``, ``{phone}`` and ``{email}`` are filled
from the shop identity when a page is shown (in the owner's texts too).
"""

from __future__ import annotations

PLACEHOLDERS = ("shop", "legal_name", "registration", "address", "phone", "email")

TITLES = {
    "en": {"terms": "Terms and conditions", "returns": "Returns and refunds",
           "shipping": "Shipping and delivery", "privacy": "Privacy notice",
           "contact": "Contact us", "about": "About us"},
    "ms": {"terms": "Terma dan syarat", "returns": "Pemulangan dan bayaran balik",
           "shipping": "Penghantaran", "privacy": "Notis privasi",
           "contact": "Hubungi kami", "about": "Tentang kami"},
}

BODIES = {
    "en": {
        "terms": """\
These terms apply to every order placed in {shop}, operated by
**{legal_name}** (registration no. {registration}), {address}.

## Orders and prices
- Prices are in Malaysian ringgit (RM) and include SST where it applies.
- Your order is a request to buy. The contract is made when we confirm
  your order by email. If an item cannot be supplied we tell you and
  refund anything you paid within 7 days.
- We check our prices carefully. If a price is obviously wrong we will
  contact you before we accept the order.

## Payment
You pay through the payment method you choose at checkout. We never see or
keep your card details.

## Delivery
Delivery times and charges are shown at checkout and on our
[shipping page](../shipping/).

## Returns
Please read our [returns and refunds policy](../returns/).

## Your rights
Nothing in these terms takes away your rights under the Consumer
Protection Act 1999 and the Consumer Protection (Electronic Trade
Transactions) Regulations 2012.

## Contact
{phone} · {email}
""",
        "returns": """\
We want you to be happy with your order.

- **Wrong or damaged items:** tell us within 7 days of delivery with a
  photo. We send a replacement or refund the item and the delivery charge.
- **Change of mind:** unused items in their original packing may be
  returned within 7 days of delivery. You pay the return postage.
- **Refunds** go back to the original payment method within 7 working
  days after we receive the item.
- Items made to order, food and personal care items cannot be returned
  unless faulty.

To start a return, contact us at {phone} or {email} with your order number.
""",
        "shipping": """\
- We ship to addresses in Malaysia. Available methods and their prices are
  shown at checkout before you pay.
- Orders paid before 2 pm on a working day are usually sent the same day.
- Peninsular Malaysia: 1–3 working days. Sabah, Sarawak and Labuan:
  3–7 working days.
- You receive a tracking number by email when your parcel is sent.
- If a parcel is lost or arrives damaged, contact us and we will put it
  right.
""",
        "privacy": """\
This notice is given under the Personal Data Protection Act 2010 (PDPA).

**Who we are:** {legal_name} ({registration}), {address}.

**What we collect:** your name, email address, phone number, delivery and
billing addresses and your orders. We do not keep card details; payments
are handled by the payment provider you choose.

**Why:** to process and deliver your orders, issue invoices and receipts
(including e-invoices required by law), answer your questions and, only if
you agree, send you news about our shop.

**Who we share it with:** the courier delivering your parcel, the payment
provider and, for e-invoices, the Inland Revenue Board of Malaysia (LHDN).
We never sell your data.

**How long:** order records are kept for 7 years as tax law requires.

**Your rights:** you may ask to see or correct your data, or withdraw
consent to marketing, by contacting {email} or {phone}.

**Cookies:** this shop uses no cookies.
""",
        "contact": """\
**{legal_name}**
Registration no. {registration}

{address}

Phone: {phone}
Email: {email}

We answer on working days, 9 am to 6 pm (Malaysia time).
""",
        "about": """\
{shop} is a Malaysian shop run by {legal_name}. We choose every product
ourselves, pack every order with care and answer every message.

Thank you for shopping with us.
""",
    },
    "ms": {
        "terms": """\
Terma ini terpakai bagi setiap pesanan di {shop}, dikendalikan oleh
**{legal_name}** (no. pendaftaran {registration}), {address}.

## Pesanan dan harga
- Harga dalam ringgit Malaysia (RM) dan termasuk SST jika berkenaan.
- Pesanan anda ialah permintaan untuk membeli. Kontrak terbentuk apabila
  kami mengesahkan pesanan anda melalui e-mel. Jika barang tidak dapat
  dibekalkan, kami memaklumkan anda dan memulangkan bayaran dalam 7 hari.
- Kami menyemak harga dengan teliti. Jika harga jelas tersilap, kami akan
  menghubungi anda sebelum menerima pesanan.

## Bayaran
Anda membayar melalui kaedah bayaran yang dipilih semasa checkout. Kami
tidak melihat atau menyimpan butiran kad anda.

## Penghantaran
Tempoh dan caj penghantaran ditunjukkan semasa checkout dan di
[halaman penghantaran](../shipping/).

## Pemulangan
Sila baca [polisi pemulangan dan bayaran balik](../returns/) kami.

## Hak anda
Tiada apa-apa dalam terma ini mengurangkan hak anda di bawah Akta
Perlindungan Pengguna 1999 dan Peraturan-Peraturan Perlindungan Pengguna
(Urus Niaga Perdagangan Elektronik) 2012.

## Hubungi
{phone} · {email}
""",
        "returns": """\
Kami mahu anda berpuas hati dengan pesanan anda.

- **Barang salah atau rosak:** maklumkan kami dalam 7 hari selepas
  penghantaran bersama gambar. Kami hantar ganti atau pulangkan harga
  barang dan caj penghantaran.
- **Tukar fikiran:** barang yang belum digunakan dalam bungkusan asal boleh
  dipulangkan dalam 7 hari selepas penghantaran. Anda membayar pos
  pemulangan.
- **Bayaran balik** dibuat ke kaedah bayaran asal dalam 7 hari bekerja
  selepas kami menerima barang.
- Barang tempahan khas, makanan dan barang penjagaan diri tidak boleh
  dipulangkan kecuali rosak.

Untuk memulangkan barang, hubungi kami di {phone} atau {email} dengan
nombor pesanan anda.
""",
        "shipping": """\
- Kami menghantar ke alamat di Malaysia. Kaedah dan caj penghantaran
  ditunjukkan semasa checkout sebelum anda membayar.
- Pesanan yang dibayar sebelum 2 petang pada hari bekerja biasanya dihantar
  pada hari yang sama.
- Semenanjung Malaysia: 1–3 hari bekerja. Sabah, Sarawak dan Labuan:
  3–7 hari bekerja.
- Anda menerima nombor penjejakan melalui e-mel apabila bungkusan dihantar.
- Jika bungkusan hilang atau rosak, hubungi kami dan kami akan
  menyelesaikannya.
""",
        "privacy": """\
Notis ini diberikan di bawah Akta Perlindungan Data Peribadi 2010 (PDPA).

**Siapa kami:** {legal_name} ({registration}), {address}.

**Data yang kami kumpul:** nama, alamat e-mel, nombor telefon, alamat
penghantaran dan pengebilan serta pesanan anda. Kami tidak menyimpan
butiran kad; bayaran dikendalikan oleh penyedia bayaran pilihan anda.

**Tujuan:** memproses dan menghantar pesanan, mengeluarkan invois dan resit
(termasuk e-invois yang diwajibkan undang-undang), menjawab pertanyaan dan,
hanya jika anda bersetuju, menghantar berita tentang kedai kami.

**Dengan siapa dikongsi:** kurier yang menghantar bungkusan, penyedia
bayaran dan, bagi e-invois, Lembaga Hasil Dalam Negeri Malaysia (LHDN).
Kami tidak sekali-kali menjual data anda.

**Tempoh simpanan:** rekod pesanan disimpan selama 7 tahun seperti yang
dikehendaki undang-undang cukai.

**Hak anda:** anda boleh meminta untuk melihat atau membetulkan data anda,
atau menarik balik persetujuan pemasaran, dengan menghubungi {email} atau
{phone}.

**Kuki:** kedai ini tidak menggunakan kuki.
""",
        "contact": """\
**{legal_name}**
No. pendaftaran {registration}

{address}

Telefon: {phone}
E-mel: {email}

Kami menjawab pada hari bekerja, 9 pagi hingga 6 petang (waktu Malaysia).
""",
        "about": """\
{shop} ialah kedai Malaysia yang dikendalikan oleh {legal_name}. Kami
memilih setiap produk sendiri, membungkus setiap pesanan dengan teliti dan
menjawab setiap mesej.

Terima kasih kerana membeli-belah dengan kami.
""",
    },
}


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with the known ``{placeholders}`` replaced (others kept)."""
    for name in PLACEHOLDERS:
        text = text.replace("{" + name + "}", values.get(name, ""))
    return text
