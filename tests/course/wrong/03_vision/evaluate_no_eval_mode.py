# notebook: vision.ipynb
# cell: evaluate
# loses: test_evaluate_shapes, test_evaluate_values
# why: forgets model.eval(), so dropout stays on and the same model scores differently each time
def evaluate(model, loader, loss_fn, device):
    total_loss, correct, count = 0.0, 0, 0
    with torch.inference_mode():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            logits = model(images)
            total_loss += loss_fn(logits, labels).item()
            correct += (logits.argmax(dim=1) == labels).sum().item()
            count += len(labels)
    return total_loss / len(loader), correct / count
