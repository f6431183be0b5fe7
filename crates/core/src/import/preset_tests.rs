//! Hand-written fixtures, one per preset, following the column layouts documented in
//! `presets`.

use crate::record::Record;
use crate::schema::Kind;
use crate::testutil::{id, make, text, with_pipeline};
use crate::time::Timestamp;
use crate::value::FieldValue;
use crate::workspace::Workspace;

use super::test_support::{csv, import};
use super::{Choices, PRESETS, PresetTarget, detect_preset, guess_mapping};

fn set(items: &[(&str, &str)]) -> FieldValue {
    FieldValue::Set(
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

fn workspace() -> Workspace {
    let mut ws = with_pipeline();
    make(
        &mut ws,
        Kind::Member,
        id(60),
        1,
        &[("name", text("Maria")), ("color", text("#336699"))],
    );
    ws
}

/// Imports `fixture` as `kind` into `ws` after checking that preset `preset` is chosen.
fn run(ws: &mut Workspace, fixture: &str, kind: Kind, preset: &str) {
    let t = csv(fixture);
    assert_eq!(detect_preset(&t.headers).map(|p| p.id), Some(preset));
    let m = guess_mapping(&t.headers, kind, ws);
    assert_eq!(m.preset.as_deref(), Some(preset));
    let (d, _, _) = import(ws, &t, kind, &Choices::default(), 1);
    assert!(d.rejected().is_empty(), "{:?}", d.rejected());
    assert!(d.warnings().is_empty(), "{:?}", d.warnings());
}

fn one<'a>(ws: &'a Workspace, kind: Kind, title: &str) -> &'a Record {
    ws.live(kind)
        .find(|r| r.title() == title)
        .unwrap_or_else(|| panic!("no {kind} {title:?}"))
}

fn company_of(ws: &Workspace, rec: &Record) -> String {
    rec.get("company")
        .and_then(FieldValue::as_ref_id)
        .and_then(|c| ws.get(Kind::Company, c))
        .map(|c| c.title().to_owned())
        .unwrap_or_default()
}

#[test]
fn hubspot_contacts() {
    let mut ws = workspace();
    run(
        &mut ws,
        "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Job Title,Company Name,Street Address,City,State/Region,Postal Code,Country/Region,Contact owner,Lifecycle Stage,Create Date\n\
         101,Ann,Lee,ann@acme.com,+1 617 555 0100,+1 617 555 0199,CTO,Acme Inc,1 Main St,Boston,MA,02110,United States,Maria,customer,2024-01-05 10:00\n\
         102,Bob,Stone,bob@beta.io,,,,Beta,,,,,,,lead,2024-02-01 09:00\n",
        Kind::Contact,
        "hubspot-contacts",
    );
    let ann = one(&ws, Kind::Contact, "Ann Lee");
    assert_eq!(ann.get("emails"), Some(&set(&[("ann@acme.com", "")])));
    assert_eq!(
        ann.get("phones"),
        Some(&set(&[
            ("+1 617 555 0100", "work"),
            ("+1 617 555 0199", "mobile")
        ]))
    );
    assert_eq!(ann.text("job_title"), Some("CTO"));
    assert_eq!(company_of(&ws, ann), "Acme Inc");
    assert_eq!(
        (
            ann.text("street"),
            ann.text("city"),
            ann.text("region"),
            ann.text("postcode"),
            ann.text("country")
        ),
        (
            Some("1 Main St"),
            Some("Boston"),
            Some("MA"),
            Some("02110"),
            Some("United States")
        )
    );
    assert_eq!(ann.get("owner"), Some(&FieldValue::Ref(id(60))));
    assert_eq!(
        company_of(&ws, one(&ws, Kind::Contact, "Bob Stone")),
        "Beta"
    );
}

#[test]
fn pipedrive_people_organizations_and_deals() {
    let mut ws = workspace();
    run(
        &mut ws,
        "Organization - ID,Organization - Name,Organization - Owner,Organization - Labels,Organization - Address - Street/road name,Organization - Address - House number,Organization - Address - City/town/village/locality,Organization - Address - ZIP/Postal code,Organization - Address - Country,Organization - Number of employees,Organization - Website\n\
         5,Acme GmbH,Maria,Customer,Hauptstraße,12,Berlin,10115,Germany,25,acme.de\n",
        Kind::Company,
        "pipedrive-organizations",
    );
    let acme = one(&ws, Kind::Company, "Acme GmbH");
    assert_eq!(acme.text("street"), Some("Hauptstraße, 12"));
    assert_eq!(acme.text("city"), Some("Berlin"));
    assert_eq!(acme.text("postcode"), Some("10115"));
    assert_eq!(acme.text("country"), Some("Germany"));
    assert_eq!(acme.text("size"), Some("11-50"));
    assert_eq!(acme.text("kind"), Some("customer"));
    assert_eq!(acme.text("website"), Some("https://acme.de"));
    assert_eq!(acme.get("tags"), Some(&FieldValue::set(["Customer"])));
    assert_eq!(acme.get("owner"), Some(&FieldValue::Ref(id(60))));
    let acme_id = acme.id;

    run(
        &mut ws,
        "Person - ID,Person - Name,Person - Organization,Person - Email - Work,Person - Email - Home,Person - Phone - Work,Person - Phone - Mobile,Person - Owner,Person - Labels\n\
         1,Ann Lee,Acme GmbH,ann@acme.de,ann@home.org,+49 30 1234567,+49 171 1234567,Maria,Hot lead\n",
        Kind::Contact,
        "pipedrive-people",
    );
    let ann = one(&ws, Kind::Contact, "Ann Lee");
    assert_eq!(
        ann.get("emails"),
        Some(&set(&[("ann@acme.de", "work"), ("ann@home.org", "home")]))
    );
    assert_eq!(
        ann.get("phones"),
        Some(&set(&[
            ("+49 30 1234567", "work"),
            ("+49 171 1234567", "mobile")
        ]))
    );
    assert_eq!(ann.get("company"), Some(&FieldValue::Ref(acme_id)));
    assert_eq!(ann.get("tags"), Some(&FieldValue::set(["Hot lead"])));

    let ann_id = ann.id;
    run(
        &mut ws,
        "Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Organization,Deal - Contact person,Deal - Owner,Deal - Pipeline,Deal - Stage,Deal - Status,Deal - Expected close date,Deal - Won time\n\
         9,Acme renewal,12000,EUR,Acme GmbH,Ann Lee,Maria,Sales,Proposal,won,2024-06-30,2024-06-15 14:30:00\n\
         10,Acme extra,950.5,USD,Acme GmbH,,,Sales,Lead,open,,\n",
        Kind::Deal,
        "pipedrive-deals",
    );
    let deal = one(&ws, Kind::Deal, "Acme renewal");
    assert_eq!(deal.get("value"), Some(&crate::testutil::eur(1_200_000)));
    assert_eq!(deal.text("stage"), Some("proposal"));
    assert_eq!(deal.text("status"), Some("won"));
    assert_eq!(deal.get("company"), Some(&FieldValue::Ref(acme_id)));
    assert_eq!(
        deal.get("contacts"),
        Some(&FieldValue::set([ann_id.to_string()]))
    );
    assert_eq!(deal.get("owner"), Some(&FieldValue::Ref(id(60))));
    assert_eq!(deal.text("expected_close"), Some("2024-06-30"));
    // 2024-06-15 is day 19_889 since 1970-01-01.
    assert_eq!(
        deal.get("closed_at"),
        Some(&FieldValue::Timestamp(Timestamp(
            19_889 * 86_400_000 + (14 * 60 + 30) * 60_000
        )))
    );
    assert_eq!(
        one(&ws, Kind::Deal, "Acme extra").get("value"),
        Some(&crate::testutil::money(95_050, "USD"))
    );
}

#[test]
fn google_contacts() {
    let mut ws = workspace();
    run(
        &mut ws,
        "First Name,Middle Name,Last Name,Name Prefix,Organization Name,Organization Title,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country\n\
         Ann,M.,Lee,Dr.,Acme,CTO,--05-17,Met at the fair,* myContacts ::: Friends,* Work,ann@acme.com,Home,ann@home.org,Mobile,+1 555 0100 ::: +1 555 0101,Work,\"1 Main St\nBoston\",1 Main St,Boston,MA,02110,USA\n",
        Kind::Contact,
        "google-contacts",
    );
    let ann = one(&ws, Kind::Contact, "Ann M. Lee");
    assert_eq!(
        ann.get("emails"),
        Some(&set(&[("ann@acme.com", "work"), ("ann@home.org", "home")]))
    );
    assert_eq!(
        ann.get("phones"),
        Some(&set(&[
            ("+1 555 0100", "mobile"),
            ("+1 555 0101", "mobile")
        ]))
    );
    assert_eq!(ann.get("tags"), Some(&FieldValue::set(["Friends"])));
    assert_eq!(ann.text("birthday"), Some("--05-17"));
    assert_eq!(ann.text("job_title"), Some("CTO"));
    assert_eq!(ann.text("street"), Some("1 Main St"));
    assert_eq!(ann.text("notes"), Some("Met at the fair"));
    assert_eq!(company_of(&ws, ann), "Acme");
}

#[test]
fn google_contacts_older_export() {
    let mut ws = workspace();
    run(
        &mut ws,
        "Name,Given Name,Additional Name,Family Name,Birthday,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Organization 1 - Type,Organization 1 - Name,Organization 1 - Title\n\
         Ann Lee,Ann,,Lee,1990-05-17,,* My Contacts ::: Clients,* Other,ann@x.com,Mobile,+1 555 0100,,Acme,CTO\n",
        Kind::Contact,
        "google-contacts-legacy",
    );
    let ann = one(&ws, Kind::Contact, "Ann Lee");
    assert_eq!(ann.get("emails"), Some(&set(&[("ann@x.com", "other")])));
    assert_eq!(ann.get("phones"), Some(&set(&[("+1 555 0100", "mobile")])));
    assert_eq!(ann.get("tags"), Some(&FieldValue::set(["Clients"])));
    assert_eq!(ann.text("birthday"), Some("1990-05-17"));
    assert_eq!(company_of(&ws, ann), "Acme");
}

#[test]
fn outlook_contacts() {
    let mut ws = workspace();
    run(
        &mut ws,
        "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business Street,Business Street 2,Business City,Business State,Business Postal Code,Business Country/Region,Home Street,Home City,Business Fax,Business Phone,Home Phone,Mobile Phone,Birthday,E-mail Address,E-mail Type,E-mail Display Name,E-mail 2 Address,Notes,Categories\n\
         Mr.,John,,Smith,,Contoso,Sales,Manager,1 Microsoft Way,Building 5,Redmond,WA,98052,United States,2 Home Rd,Bellevue,+1 425 555 0199,+1 425 555 0100,+1 425 555 0111,,0/0/00,john@contoso.com,SMTP,John Smith (john@contoso.com),john@home.net,\"Line 1\r\nLine 2\",Business;VIP\n",
        Kind::Contact,
        "outlook-contacts",
    );
    let john = one(&ws, Kind::Contact, "John Smith");
    assert_eq!(company_of(&ws, john), "Contoso");
    assert_eq!(john.text("job_title"), Some("Manager"));
    assert_eq!(john.text("street"), Some("1 Microsoft Way, Building 5"));
    assert_eq!(john.text("city"), Some("Redmond"));
    assert_eq!(john.text("region"), Some("WA"));
    assert_eq!(
        john.get("phones"),
        Some(&set(&[
            ("+1 425 555 0199", "fax"),
            ("+1 425 555 0100", "work"),
            ("+1 425 555 0111", "home")
        ]))
    );
    assert_eq!(
        john.get("emails"),
        Some(&set(&[("john@contoso.com", ""), ("john@home.net", "")]))
    );
    assert_eq!(john.get("birthday"), None);
    assert_eq!(john.text("notes"), Some("Line 1\r\nLine 2"));
    assert_eq!(
        john.get("tags"),
        Some(&FieldValue::set(["Business", "VIP"]))
    );
}

#[test]
fn plain_files_match_no_preset_and_presets_name_real_fields() {
    let headers = |s: &str| s.split(',').map(str::to_owned).collect::<Vec<_>>();
    assert!(detect_preset(&headers("Name,Email,Phone,Company")).is_none());
    assert!(detect_preset(&headers("First Name,Last Name,Email")).is_none());
    for p in PRESETS {
        for (header, target) in p.columns() {
            let field = match target {
                PresetTarget::Field(f) | PresetTarget::Labelled(f, _) => f,
                _ => continue,
            };
            assert!(
                p.kind.field(field).is_some(),
                "{}: {header} -> {field}",
                p.id
            );
        }
        // A file with exactly the signature is recognised as this preset or an earlier one.
        let sig: Vec<String> = p.signature.iter().map(|s| (*s).to_owned()).collect();
        assert!(detect_preset(&sig).is_some(), "{}", p.id);
    }
}
