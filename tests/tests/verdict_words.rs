//! What the words heard on a call do to its verdict: evidence below medium from several cue
//! families counts a little for a caller who is not a contact; an organisation named inside
//! negation or reported speech is not the caller's claim; an office of a known organisation
//! that the directory does not list is unverified, not impersonation; carrier service codes
//! ring.

use callguard_core::{Assessment, IncomingCall, ReasonCode, Region, Screener, Verdict};

fn screen(region: Region, call: IncomingCall) -> Assessment {
    Screener::new(region).screen(&call)
}

fn codes(a: &Assessment) -> Vec<ReasonCode> {
    a.reasons.iter().map(|r| r.code).collect()
}

fn heard(number: &str, transcript: &str) -> IncomingCall {
    IncomingCall {
        transcript: Some(transcript.to_owned()),
        ..IncomingCall::from_number(number)
    }
}

/// A utility's genuine-sounding notice: an unpaid bill and a cut-off, no demand (two families,
/// low, and low for the learned weighting too).
const LOW_TWO_FAMILIES: &str = "〇〇電力です。料金が未納のため、明日停止します。";

#[test]
fn low_evidence_from_several_families_counts_a_little_for_a_stranger() {
    let a = screen(Region::JP, heard("090-1234-5678", LOW_TWO_FAMILIES));
    let script = a
        .reasons
        .iter()
        .find(|r| r.code == ReasonCode::ScamScript)
        .expect("the words count a little");
    assert!(
        script.weight > 0 && script.weight <= 15,
        "{}",
        script.weight
    );
    // A little: never enough to silence or block on its own.
    assert!(a.verdict <= Verdict::Warn, "{a:?}");

    // A contact's call is never scanned.
    let contact = IncomingCall {
        is_contact: true,
        ..heard("090-1234-5678", LOW_TWO_FAMILIES)
    };
    let a = screen(Region::JP, contact);
    assert_eq!(
        (a.verdict, codes(&a)),
        (Verdict::Allow, vec![ReasonCode::Contact])
    );

    // One family below medium passes nothing.
    let a = screen(
        Region::JP,
        heard("090-1234-5678", "銀行の窓口は三時までです。"),
    );
    assert!(!codes(&a).contains(&ReasonCode::ScamScript), "{a:?}");
}

#[test]
fn an_organisation_inside_negation_or_reported_speech_is_no_claim() {
    for transcript in [
        "総務省が電話で暗証番号をお伺いすることはありません。\
         あなたの口座が犯罪に使われています。今すぐ暗証番号を教えてください。",
        "総務省をかたる電話があったそうです。ところで、あなたの口座が犯罪に使われています。\
         今すぐ暗証番号を教えてください。",
    ] {
        let a = screen(Region::JP, heard("+1 202 555 0143", transcript));
        let found = codes(&a);
        assert!(
            found.contains(&ReasonCode::ScamScript),
            "{transcript}: {found:?}"
        );
        assert!(
            !found.contains(&ReasonCode::Impersonation),
            "{transcript}: {found:?}"
        );
    }
    // Named as the caller, it is a claim.
    let a = screen(
        Region::JP,
        heard(
            "+1 202 555 0143",
            "総務省です。あなたの口座が犯罪に使われています。今すぐ暗証番号を教えてください。",
        ),
    );
    assert!(codes(&a).contains(&ReasonCode::Impersonation), "{a:?}");
}

#[test]
fn an_unlisted_office_of_a_known_organisation_is_unverified() {
    let call = IncomingCall {
        claims: Some("年金事務所の者です".to_owned()),
        ..IncomingCall::from_number("03-3333-4444")
    };
    let found = codes(&screen(Region::JP, call));
    assert!(found.contains(&ReasonCode::ClaimUnverified), "{found:?}");
    assert!(!found.contains(&ReasonCode::Impersonation), "{found:?}");
}

#[test]
fn carrier_service_codes_ring() {
    for (region, code) in [
        (Region::US, "*611"),
        (Region::US, "#225"),
        (Region::JP, "#12"),
    ] {
        let a = screen(region, IncomingCall::from_number(code));
        assert_eq!(
            (a.verdict, codes(&a)),
            (Verdict::Allow, vec![ReasonCode::SpecialService]),
            "{code}"
        );
    }
    // An unknown short number without * or # stays weak evidence, not a service.
    let a = screen(Region::JP, IncomingCall::from_number("12345"));
    assert_eq!(codes(&a), vec![ReasonCode::UnknownShortNumber]);
}
