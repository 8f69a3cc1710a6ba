//! Credits and auto top-up are kept by the emulator: purchases and test recharges move the balance, settings
//! stick, disabling keeps the configuration, and each recharge is in the history.

use crate::common;

use common::api;
use common::raw::{error_fields, send};
use talkover::auto_topup::{AutoTopupSettingsUpdate, AutoTopupTrigger};
use talkover::credits::CreditPurchase;
use talkover::decimal::Decimal;
use talkover_mock::Server;

fn dec(text: &str) -> Decimal {
    Decimal::new(text).unwrap()
}

fn cents(amount: &Decimal) -> i128 {
    amount.to_minor_units(2).unwrap()
}

#[test]
fn purchases_and_recharges_move_the_balance() {
    let (_server, client) = common::start_blocking();

    let before = cents(&client.credits().balance().unwrap().balance);
    let charge = client.credits().purchase(CreditPurchase::new(dec("100.10")).payment_method_id("pm_uuid_1")).unwrap();
    assert_eq!(charge.amount_charged.as_str(), "100.10", "amounts keep their digits");
    assert_eq!(cents(&charge.new_balance), before + 10010);
    assert_eq!(cents(&client.credits().balance().unwrap().balance), before + 10010);
    let second = client.credits().purchase(CreditPurchase::new(dec("0.05"))).unwrap();
    assert_ne!(second.transaction_id, charge.transaction_id);
    assert_eq!(cents(&client.credits().balance().unwrap().balance), before + 10015);

    let topup = client.auto_topup();
    let settings = topup
        .update(
            AutoTopupSettingsUpdate::new().is_enabled(true).recharge_amount(dec("25")).payment_method_id("pm_uuid_2"),
        )
        .unwrap();
    assert_eq!(settings.recharge_amount.as_ref().map(cents), Some(2500));
    // What the update left alone keeps its digits, in the answer and after it.
    assert_eq!(settings.daily_limit.as_ref().map(Decimal::as_str), Some("500.00"), "{settings:?}");
    let stored = topup.settings().unwrap();
    assert_eq!(stored.daily_limit.as_ref().map(Decimal::as_str), Some("500.00"), "{stored:?}");
    assert_eq!(stored.payment_method_id.as_ref().map(|m| m.as_str()), Some("pm_uuid_2"));
    assert!(stored.is_enabled);

    let history_before = topup.history().send().unwrap().items.len();
    let test = topup.test().unwrap();
    assert_eq!(cents(&test.amount_charged), 2500);
    assert_eq!(cents(&client.credits().balance().unwrap().balance), before + 12515);
    let history = topup.history().send().unwrap().items;
    assert_eq!(history.len(), history_before + 1);
    assert_eq!(history[0].trigger, AutoTopupTrigger::Test);
    assert_eq!(history[0].balance_after.as_ref().map(cents), Some(before + 12515));

    let disabled = topup.disable().unwrap();
    assert!(!disabled.is_enabled);
    let kept = topup.settings().unwrap();
    assert!(!kept.is_enabled);
    assert_eq!(kept.recharge_amount.as_ref().map(cents), Some(2500), "disabling keeps the configuration");
    assert_eq!(client.credits().balance().unwrap().auto_topup_enabled, Some(false));
}

#[test]
fn the_recharges_counted_today_are_none_the_next_day() {
    let server = Server::builder().clock_scale(0.0).start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let topup = client.auto_topup();
    topup.test().unwrap();
    topup.test().unwrap();
    assert_eq!(topup.settings().unwrap().recharge_count_today, Some(2));
    server.advance_clock(std::time::Duration::from_secs(86_400));
    assert_eq!(topup.settings().unwrap().recharge_count_today, Some(0), "a day later");
}

#[tokio::test]
async fn the_async_client_sees_the_same_balance() {
    let (_server, client) = common::start_async().await;
    let before = cents(&client.credits().balance().await.unwrap().balance);
    client.credits().purchase(CreditPurchase::new(dec("12.34"))).await.unwrap();
    assert_eq!(cents(&client.credits().balance().await.unwrap().balance), before + 1234);
    let unknown = client.credits().purchase(CreditPurchase::new(dec("1")).payment_method_id("pm_nope")).await;
    let error = unknown.unwrap_err();
    assert_eq!(api(&error).status.as_u16(), 422);
    assert!(api(&error).field_errors.contains_key("payment_method_id"), "{error}");
    assert_eq!(cents(&client.credits().balance().await.unwrap().balance), before + 1234);
}

#[test]
fn invalid_purchases_and_settings_answer_422() {
    let server = Server::start_blocking().unwrap();
    let (status, body) = send(&server, "POST", "/credits/purchase", "{}");
    assert_eq!((status, error_fields(&body)), (422, vec!["amount".to_owned()]), "{body}");
    let (status, body) = send(&server, "POST", "/credits/purchase", r#"{"amount":-5}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["amount".to_owned()]), "{body}");
    let (status, body) = send(&server, "PUT", "/auto-topup/settings", r#"{"day_of_month":31}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["day_of_month".to_owned()]), "{body}");
}

/// An amount finer than a ten-thousandth is refused by the settings as by a purchase, so that a recharge
/// never charges less than it says; an amount written as a numeric string is kept as a number.
#[test]
fn settings_amounts_are_numbers_the_emulator_can_charge() {
    let server = Server::start_blocking().unwrap();
    for body in [r#"{"recharge_amount":10.123456}"#, r#"{"threshold_amount":"50.00001"}"#] {
        let (status, answer) = send(&server, "PUT", "/auto-topup/settings", body);
        assert_eq!(status, 422, "{body}: {answer}");
        let field = error_fields(&answer).pop().unwrap();
        assert_eq!(
            answer["errors"][&field][0],
            format!("The {} must have at most 4 decimal places.", field.replace('_', " "))
        );
    }
    let (status, answer) =
        send(&server, "PUT", "/auto-topup/settings", r#"{"threshold_amount":"50","recharge_amount":"12.5"}"#);
    assert_eq!(status, 200, "{answer}");
    let (_, settings) = send(&server, "GET", "/auto-topup/settings", "");
    assert_eq!(
        (&settings["data"]["threshold_amount"], &settings["data"]["recharge_amount"]),
        (&serde_json::json!(50.00), &serde_json::json!(12.50)),
        "{settings}"
    );
    assert!(settings["data"]["threshold_amount"].is_number(), "{settings}");
    let (status, charge) = send(&server, "POST", "/auto-topup/test", "");
    assert_eq!((status, charge["data"]["amount_charged"].as_f64()), (200, Some(12.5)), "{charge}");
}

/// `recharge_count_today` counts the recharges of the day it is read, in every answer that shows it: a
/// day later, the update's and the disable's answers say 0 as a read does.
#[test]
fn the_days_recharge_count_starts_again_the_next_day_in_every_answer() {
    let server = Server::builder().clock_scale(0.0).start_blocking().unwrap();
    let (status, charge) = send(&server, "POST", "/auto-topup/test", "");
    assert_eq!(status, 200, "{charge}");
    let (_, settings) = send(&server, "GET", "/auto-topup/settings", "");
    let today = settings["data"]["recharge_count_today"].as_u64().unwrap_or_default();
    assert!(today >= 1, "{settings}");
    let (_, updated) = send(&server, "PUT", "/auto-topup/settings", r#"{"threshold_amount":"40"}"#);
    assert_eq!(updated["data"]["recharge_count_today"].as_u64(), Some(today), "{updated}");

    server.advance_clock(std::time::Duration::from_secs(86_400));
    let (_, updated) = send(&server, "PUT", "/auto-topup/settings", r#"{"threshold_amount":"45"}"#);
    assert_eq!(updated["data"]["recharge_count_today"], 0, "{updated}");
    let (_, disabled) = send(&server, "POST", "/auto-topup/disable", "");
    assert_eq!(disabled["data"]["recharge_count_today"], 0, "{disabled}");
    let (_, read) = send(&server, "GET", "/auto-topup/settings", "");
    assert_eq!(read["data"]["recharge_count_today"], 0, "{read}");
}

/// A scheduled recharge comes on its day of each month, at midnight UTC, recorded as `scheduled`; none while
/// auto top-up is off, and none twice for one day.
#[test]
fn scheduled_recharges_come_on_their_day() {
    let server = Server::builder().clock_scale(0.0).start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let topup = client.auto_topup();
    let scheduled = || -> Vec<String> {
        let history = topup.history().per_page(100).send().unwrap().items;
        let scheduled = history.into_iter().filter(|e| e.trigger == AutoTopupTrigger::Scheduled);
        scheduled.map(|e| e.created_at.map(|t| t.to_string()).unwrap_or_default()).collect()
    };
    let before = scheduled();
    let monthly =
        AutoTopupSettingsUpdate::new().scheduled_payment_enabled(true).scheduled_amount(dec("200")).day_of_month(3);
    topup.update(monthly).unwrap();
    let balance = cents(&client.credits().balance().unwrap().balance);

    // Sixty-two days, one at a time: the 3rds among them are the days a recharge is due.
    let mut due = 0;
    for _ in 0..62 {
        server.advance_clock(std::time::Duration::from_secs(86_400));
        due += usize::from(server.clock_now().get(8..10) == Some("03"));
    }
    let came = scheduled();
    assert!(due >= 2, "{due}");
    assert_eq!(came.len(), before.len() + due, "a recharge each 3rd: {came:?}");
    assert!(came[..due].iter().all(|at| at.get(7..) == Some("-03T00:00:00Z")), "{came:?}");
    assert_eq!(cents(&client.credits().balance().unwrap().balance), balance + due as i128 * 20_000);
    server.advance_clock(std::time::Duration::from_secs(60));
    assert_eq!(scheduled().len(), came.len(), "not twice for one day");

    topup.disable().unwrap();
    server.advance_clock(std::time::Duration::from_secs(62 * 86_400));
    assert_eq!(scheduled().len(), came.len(), "auto top-up is off");
}

/// A call's charge, and the threshold recharge it brings, are dated when the call ended, not when the
/// clock's jump got there, and come among the scheduled recharges in the order of their dates: each entry's
/// balance before is the one before it's balance after.
#[test]
fn a_calls_recharge_is_dated_when_the_call_ended_among_the_scheduled_ones() {
    let start = talkover::time::DateTime::new("2030-01-27T09:00:00Z").unwrap();
    let server = Server::builder().clock_scale(0.0).clock_start(start).start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let settings = AutoTopupSettingsUpdate::new()
        .threshold_amount(dec("250"))
        .scheduled_payment_enabled(true)
        .scheduled_amount(dec("200"))
        .day_of_month(1);
    client.auto_topup().update(settings).unwrap();
    let agent = client.agents().create(common::agent("Billed")).unwrap().id;
    client.agents().update_voice(&agent, common::voice()).unwrap();
    client.agents().publish(&agent).unwrap();
    client.execute(talkover::calls::MakeCall::new(&agent, talkover::calls::NewCall::new("+15550100876"))).unwrap();
    server.advance_clock(std::time::Duration::from_secs(10 * 86_400));

    let history = client.auto_topup().history().per_page(100).send().unwrap().items;
    let mut since: Vec<_> =
        history.into_iter().filter(|e| e.created_at.as_ref().is_some_and(|t| t.as_str() >= "2030-01-27")).collect();
    since.sort_by(|a, b| a.created_at.as_ref().map(|t| t.as_str()).cmp(&b.created_at.as_ref().map(|t| t.as_str())));
    let triggers: Vec<_> = since.iter().map(|e| e.trigger.clone()).collect();
    assert_eq!(triggers, [AutoTopupTrigger::Threshold, AutoTopupTrigger::Scheduled], "{since:?}");
    let at = since[0].created_at.as_ref().unwrap().as_str();
    assert!(at.starts_with("2030-01-27T09:0"), "the recharge came when the call ended: {at}");
    assert_eq!(since[0].balance_after, since[1].balance_before, "{since:?}");
}
