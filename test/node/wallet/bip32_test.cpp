// BIP32's published test vectors 1-3 (bitcoin/bips, bip-0032.mediawiki):
// every chain's extended private and public key, private derivation along
// the path, and public derivation (CKDpub) wherever the step is not hardened.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/hex.h"
#include "node/wallet/bip32.h"

namespace wallet = btr::node::wallet;

namespace {

struct ChainVector {
  const char* path;
  const char* xpub;
  const char* xprv;
};

void check_vector(const char* seed_hex, const std::vector<ChainVector>& chains) {
  const auto seed = btr::core::from_hex(seed_hex);
  REQUIRE(seed.ok());
  auto master = wallet::ExtPrivKey::from_seed(*seed);
  REQUIRE(master.ok());
  for (const ChainVector& c : chains) {
    CAPTURE(c.path);
    const auto path = wallet::parse_bip32_path(c.path);
    REQUIRE(path.has_value());
    auto key = master->derive_path(*path);
    REQUIRE(key.ok());
    CHECK(key->encode() == c.xprv);
    CHECK(key->neuter().encode() == c.xpub);
    // CKDpub from the parent's public key gives the same child for a
    // non-hardened last step.
    if (!path->empty() && (path->back() & wallet::kHardened) == 0) {
      const std::vector<uint32_t> parent_path(path->begin(), path->end() - 1);
      auto parent = master->derive_path(parent_path);
      REQUIRE(parent.ok());
      auto child = parent->neuter().derive(path->back());
      REQUIRE(child.ok());
      CHECK(child->encode() == c.xpub);
    }
  }
}

}  // namespace

TEST_CASE("bip32: test vector 1") {
  check_vector("000102030405060708090a0b0c0d0e0f",
               {{"m",
                 "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8Yt"
                 "GqsefD265TMg7usUDFdp6W1EGMcet8",
                 "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5"
                 "kejMRNNU3TGtRBeJgk33yuGBxrMPHi"},
                {"m/0'",
                 "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdr"
                 "fp1bgwQ9xv5ski8PX9rL2dZXvgGDnw",
                 "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7o"
                 "WgT11eZG7XnxHrnYeSvkzY7d2bhkJ7"},
                {"m/0'/1",
                 "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7S"
                 "yYq527Hqck2AxYysAA7xmALppuCkwQ",
                 "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXw"
                 "TCg8MSY3H2EU4pWcQDnRnrVA1xe8fs"},
                {"m/0'/1/2'",
                 "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5u"
                 "Jh7n7epu4trkrX7x7DogT5Uv6fcLW5",
                 "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSA"
                 "ewRiNMjANTtpgP4mLTj34bhnZX7UiM"},
                {"m/0'/1/2'/2",
                 "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACT"
                 "j37sR62cfN7fe5JnJ7dh8zL4fiyLHV",
                 "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbd"
                 "qqsunu5Mm3wDvUAKRHSC34sJ7in334"},
                {"m/0'/1/2'/2/1000000000",
                 "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro4"
                 "9S8yGasTvXEYBVPamhGW6cFJodrTHy",
                 "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie"
                 "1rFSruoUihUZREPSL39UNdE3BBDu76"}});
}

TEST_CASE("bip32: test vector 2") {
  check_vector(
      "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b"
      "7875726f6c696663605d5a5754514e4b484542",
      {{"m",
        "xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8BDz"
        "TJY47LJhkJ8UB7WEGuduB",
        "xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm55Q"
        "n3LqFtT2emdEXVYsCzC2U"},
       {"m/0",
        "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb"
        "7ap6r1D3tgFxHmwMkQTPH",
        "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81d"
        "wSM1fwqWpWkeS3v86pgKt"},
       {"m/0/2147483647'",
        "xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySDhKiLDBrQSARLq1uNRts8RuJiHj"
        "aDMBU4Zn9h8LZNnBC5y4a",
        "xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVsFaw"
        "NzmjuHc2YmYRmagcEPdU9"},
       {"m/0/2147483647'/1",
        "xpub6DF8uhdarytz3FWdA8TvFSvvAh8dP3283MY7p2V4SeE2wyWmG5mg5EwVvmdMVCQcoNJxGoWaU9DCWh89LojfZ5"
        "37wTfunKau47EL2dhHKon",
        "xprv9zFnWC6h2cLgpmSA46vutJzBcfJ8yaJGg8cX1e5StJh45BBciYTRXSd25UEPVuesF9yog62tGAQtHjXajPPdbR"
        "CHuWS6T8XA2ECKADdw4Ef"},
       {"m/0/2147483647'/1/2147483646'",
        "xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGR"
        "jaDMzQLcgJvLJuZZvRcEL",
        "xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HF"
        "sTjSyQbLYnMpCqE2VbFWc"},
       {"m/0/2147483647'/1/2147483646'/2",
        "xpub6FnCn6nSzZAw5Tw7cgR9bi15UV96gLZhjDstkXXxvCLsUXBGXPdSnLFbdpq8p9HmGsApME5hQTZ3emM2rnY5ag"
        "b9rXpVGyy3bdW6EEgAtqt",
        "xprvA2nrNbFZABcdryreWet9Ea4LvTJcGsqrMzxHx98MMrotbir7yrKCEXw7nadnHM8Dq38EGfSh6dqA9QWTyefMLE"
        "cBYJUuekgW4BYPJcr9E7j"}});
}

TEST_CASE("bip32: test vector 3 keeps leading zeros") {
  check_vector(
      "4b381541583be4423346c643850da4b320e46a87ae3d2a4e6da11eba819cd4acba45d239319ac14f863b8d5ab5a0"
      "d0c64d2e8a1e7d1457df2e5a3c51c73235be",
      {{"m",
        "xpub661MyMwAqRbcEZVB4dScxMAdx6d4nFc9nvyvH3v4gJL378CSRZiYmhRoP7mBy6gSPSCYk6SzXPTf3ND1cZAceL"
        "7SfJ1Z3GC8vBgp2epUt13",
        "xprv9s21ZrQH143K25QhxbucbDDuQ4naNntJRi4KUfWT7xo4EKsHt2QJDu7KXp1A3u7Bi1j8ph3EGsZ9Xvz9dGuVrt"
        "HHs7pXeTzjuxBrCmmhgC6"},
       {"m/0'",
        "xpub68NZiKmJWnxxS6aaHmn81bvJeTESw724CRDs6HbuccFQN9Ku14VQrADWgqbhhTHBaohPX4CjNLf9fq9MYo6oDa"
        "PPLPxSb7gwQN3ih19Zm4Y",
        "xprv9uPDJpEQgRQfDcW7BkF7eTya6RPxXeJCqCJGHuCJ4GiRVLzkTXBAJMu2qaMWPrS7AANYqdq6vcBcBUdJCVVFce"
        "UvJFjaPdGZ2y9WACViL4L"}});
}

TEST_CASE("bip32: hardened steps need the private key and paths parse strictly") {
  auto master = wallet::ExtPrivKey::from_seed(std::vector<uint8_t>(32, 7));
  REQUIRE(master.ok());
  CHECK_FALSE(master->neuter().derive(wallet::kHardened | 1).ok());
  CHECK_FALSE(wallet::ExtPrivKey::from_seed(std::vector<uint8_t>(15, 1)).ok());
  CHECK_FALSE(wallet::ExtPrivKey::from_seed(std::vector<uint8_t>(65, 1)).ok());
  CHECK(wallet::parse_bip32_path("m") == std::vector<uint32_t>{});
  CHECK(wallet::parse_bip32_path("m/1h/2") == std::vector<uint32_t>{wallet::kHardened | 1, 2});
  CHECK_FALSE(wallet::parse_bip32_path("m/").has_value());
  CHECK_FALSE(wallet::parse_bip32_path("x/1").has_value());
  CHECK_FALSE(wallet::parse_bip32_path("m/2147483648").has_value());
  CHECK_FALSE(wallet::parse_bip32_path("m/1//2").has_value());
}
