"""Each adapter's signature code reproduces the published examples.

Sources and vectors: docs/reference/payments.md, copied
from the gateways' own documentation (see docs/payments.md).
"""

from kedai.payments.gateways import billplz, ipay88


def test_billplz_x_signature_of_the_bill_example():
    """Billplz API doc, X Signature section: the create-bill example."""
    data = {"amount": "200", "callback_url": "https://example.com/webhook",
            "collection_id": "inbmmepb", "description": "testing",
            "email": "api@billplz.com", "name": "Michael"}
    assert billplz.x_signature_source(data) == (
        "amount200|callback_urlhttps://example.com/webhook|collection_idinbmmepb|"
        "descriptiontesting|emailapi@billplz.com|nameMichael")
    assert billplz.x_signature(data, "abc123cde456") == (
        "ef5e54a22af0925cba88fab467119742e90262e3646eea1dee3949938daf3a38")


def test_billplz_x_signature_of_the_callback_example():
    """Empty values stay in; ``paid_amount`` < ``paid_at`` < ``paid``."""
    data = {"id": "zq0tm2wc", "collection_id": "yhx5t1pp", "paid": "true",
            "state": "paid", "amount": "100", "paid_amount": "100",
            "due_at": "2018-9-27", "email": "tester@test.com", "mobile": "",
            "name": "TESTER", "url": "http://www.billplz-sandbox.com/bills/zq0tm2wc",
            "paid_at": "2018-09-27 15:15:09 +0800",
            "x_signature": "ignored"}
    assert billplz.x_signature(data, "S-s7b4yWpp9h7rrkNM1i3Z_g") == (
        "0fe0a20b8d557eeae570377783d062a3816a9ea80f368860bacfa7ec3ca4d00e")


def test_billplz_x_signature_of_the_redirect_example():
    """Redirect keys are flattened: ``billplz[paid]`` → ``billplzpaid``."""
    data = {"billplz[id]": "zq0tm2wc", "billplz[paid]": "true",
            "billplz[paid_at]": "2018-09-27 15:15:09 +0800",
            "billplz[x_signature]": "ignored"}
    assert billplz.x_signature_source(data) == (
        "billplzidzq0tm2wc|billplzpaid_at2018-09-27 15:15:09 +0800|billplzpaidtrue")
    assert billplz.x_signature(data, "S-s7b4yWpp9h7rrkNM1i3Z_g") == (
        "4aab095fe5a39b1d534500988f9a0cb085cd1b6d5bbb55dd4e02ea6fa102b47b")


def test_billplz_amount_is_whole_sen():
    from decimal import Decimal

    from kedai.core.money import Money

    assert billplz.to_sen(Money(Decimal("2.00"))) == 200
    assert billplz.to_sen(Money(Decimal("2.675"))) == 268  # half up, not truncated


def test_ipay88_request_signature_example():
    """iPay88 spec (MT) v1.0.6: appleM00003A00000001100MYR."""
    assert ipay88.request_signature("apple", "M00003", "A00000001", "1.00", "MYR") == (
        "110f0be755ccfa9373aa38104bafbc5c6e5462344e44bcfbb70439c82b4b07fa")


def test_ipay88_response_signature_example():
    """iPay88 spec (MT) v1.0.6: appleM000032A00000001100MYR1."""
    assert ipay88.response_signature(
        "apple", "M00003", "2", "A00000001", "1.00", "MYR", "1") == (
        "f173a2521d178574caab19ab7ddd04b299dbc0d656a26c1d1aabf9187dfbf352")


def test_ipay88_amount_strips_separators_before_signing():
    """"1,278.99" is signed as 127899."""
    from decimal import Decimal

    from kedai.core.money import Money

    assert ipay88.format_amount(Money(Decimal("1278.99"))) == "1,278.99"
    assert ipay88.request_signature("k", "M", "R", "1,278.99", "MYR") == (
        ipay88.request_signature("k", "M", "R", "127899", "MYR"))


def test_fiuu_vcode_example():
    """docs.fiuu.dev "vcode": the extended (multi-currency) form."""
    from kedai.payments.gateways import fiuu

    assert fiuu.vcode("27.60", "ACME", "OD8842",
                      "f5bb0c8de146c67b44babbf4e6584cc0", "MYR") == (
        "5bf33e6500a53830d4f80087b67e13de")


def test_fiuu_skey_check_value():
    """docs.fiuu.dev "skey" formula; no vendor vector is published, so this
    is a self-computed check value."""
    from kedai.payments.gateways import fiuu

    assert fiuu._md5("123456789OD884200ACME27.60MYR") == (
        "32b9dffe4efab3b7c03c6e244cd5782e")
    assert fiuu.skey(tran_id="123456789", order_id="OD8842", status="00",
                     domain="ACME", amount="27.60", currency="MYR",
                     paydate="2025-01-01 12:00:00", appcode="ABC123",
                     secret_key="secretkey123") == "e592c7e79dfa167eb9d48802c20ce0f5"


def test_senangpay_request_hash_example():
    """developer.senangpay.my "Generate Secure Hash": HMAC-SHA256."""
    from kedai.payments.gateways import senangpay

    assert senangpay.request_hash("53-784", "Shopping_cart_id_30", "24.50", "56") == (
        "74422328b44d30bf150fffbae89bbb42b885f9ac0960e2a3ddccc0cf9aa48e39")


def test_senangpay_response_hash_example():
    from kedai.payments.gateways import senangpay

    assert senangpay.response_hash("53-784", "1", "56", "14363538840",
                                   "Payment_was_successful") == (
        "4ca7837c6c4ddb5f6ba573ea701235b2d04bc6400d32787539e07aaf319eb70f")


def test_stripe_webhook_signature_check_value():
    """The library's verifier accepts the recorded check value and refuses
    it once the 300 s tolerance has passed."""
    import pytest
    import stripe

    body = '{"id":"evt_test","type":"checkout.session.completed"}'
    header = ("t=1700000000,"
              "v1=715369d9e69ebcb0b7e62a81bd79bfd0825e4a0f25a4577924dd7017a7eac01e")
    scheme = stripe.WebhookSignature.EXPECTED_SCHEME
    assert scheme == "v1"
    assert stripe.WebhookSignature.verify_header(
        body, header, "whsec_test_secret", tolerance=None)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(body, header, "whsec_test_secret",
                                              tolerance=300)


def test_sandbox_stripe_signs_like_stripe():
    from kedai.sandbox.stripe import signature_header

    body = b'{"id":"evt_test","type":"checkout.session.completed"}'
    assert signature_header(body, "whsec_test_secret", 1700000000) == (
        "t=1700000000,"
        "v1=715369d9e69ebcb0b7e62a81bd79bfd0825e4a0f25a4577924dd7017a7eac01e")
